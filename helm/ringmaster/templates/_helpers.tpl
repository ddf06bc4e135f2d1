{{/*
Names and labels shared by every template.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "ringmaster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-ringmaster" (or the release name when it already contains the chart name), or fullnameOverride. */}}
{{- define "ringmaster.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ringmaster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the release. */}}
{{- define "ringmaster.labels" -}}
helm.sh/chart: {{ include "ringmaster.chart" . }}
{{ include "ringmaster.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ringmaster
{{- end }}

{{/* Labels that select the coordinator pod (stable across upgrades: never add to them). */}}
{{- define "ringmaster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ringmaster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: coordinator
{{- end }}

{{- define "ringmaster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ringmaster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name an existing ServiceAccount when serviceAccount.create=false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ringmaster.workerServiceAccountName" -}}
{{- if .Values.workers.serviceAccount.create }}
{{- default (printf "%s-worker" (include "ringmaster.fullname" .)) .Values.workers.serviceAccount.name }}
{{- else }}
{{- required "workers.serviceAccount.name: name an existing ServiceAccount when workers.serviceAccount.create=false" .Values.workers.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, the tag defaulting to the chart's appVersion. Call with (dict "image" .Values.images.x "context" $). */}}
{{- define "ringmaster.image" -}}
{{- printf "%s:%s" .image.repository (default .context.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* The address workers dial: the coordinator Service's cluster DNS name and gRPC port. */}}
{{- define "ringmaster.advertiseAddress" -}}
{{- printf "%s.%s.svc.%s:%d" (include "ringmaster.fullname" .) .Release.Namespace .Values.clusterDomain (int .Values.coordinator.port) }}
{{- end }}

{{- define "ringmaster.claimName" -}}
{{- default "data" .Values.persistence.existingClaim }}
{{- end }}

{{/*
Placeholders of the security issue: refuse them until the coordinator implements them, so nobody believes
a cluster is protected when it is not.
*/}}
{{- define "ringmaster.checkSecurityPlaceholders" -}}
{{- if and .Values.tls.enabled .Values.tls.certManager.enabled (not .Values.tls.certManager.issuerRef.name) }}
{{- fail "tls.certManager.enabled=true needs tls.certManager.issuerRef.name: the cert-manager Issuer or ClusterIssuer that signs the coordinator's and the workers' certificates" }}
{{- end }}
{{- if and .Values.tls.enabled (or .Values.tls.secretName .Values.tls.workerSecretName) (not (and .Values.tls.secretName .Values.tls.workerSecretName)) }}
{{- fail "tls.secretName and tls.workerSecretName: give both existing Secrets (tls.crt, tls.key, ca.crt), or neither to have them generated" }}
{{- end }}
{{- if and .Values.auth.tokensSecret (eq .Values.auth.clientAuth "none") }}
{{- fail "auth.tokensSecret is set but auth.clientAuth is none: remove one of them" }}
{{- end }}
{{- end }}

{{/*
The Secret holding the tokens file (auth.clientAuth=tokens): the given one, or the one the chart creates.
*/}}
{{- define "ringmaster.tokensSecretName" -}}
{{- default (printf "%s-tokens" (include "ringmaster.fullname" .)) .Values.auth.tokensSecret }}
{{- end }}

{{/* The coordinator's TLS Secret (tls.crt, tls.key, ca.crt): given, or generated / issued under this name. */}}
{{- define "ringmaster.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "ringmaster.fullname" .)) .Values.tls.secretName }}
{{- end }}

{{/* The workers' TLS Secret, mounted into every worker pod by the coordinator (--k8s-worker-tls-secret). */}}
{{- define "ringmaster.workerTlsSecretName" -}}
{{- default (printf "%s-worker-tls" (include "ringmaster.fullname" .)) .Values.tls.workerSecretName }}
{{- end }}

{{/* Names the coordinator's certificate is valid for: its Service in every DNS form, and localhost (port-forward). */}}
{{- define "ringmaster.coordinatorDnsNames" -}}
{{- $name := include "ringmaster.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.%s" $name $ns .Values.clusterDomain) "localhost" -}}
{{- concat $names .Values.tls.extraDnsNames | toYaml -}}
{{- end }}

{{/* Where the coordinator's pod mounts its TLS Secret. */}}
{{- define "ringmaster.tlsMount" -}}
/var/run/ringmaster/tls
{{- end }}
