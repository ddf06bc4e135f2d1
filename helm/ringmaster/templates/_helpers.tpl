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
{{- if .Values.tls.enabled }}
{{- fail "tls.enabled=true: the coordinator does not serve TLS yet (the security issue adds it); leave tls.enabled=false" }}
{{- end }}
{{- if .Values.tls.certManager.enabled }}
{{- fail "tls.certManager.enabled=true: the coordinator does not serve TLS yet (the security issue adds it); leave it false" }}
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
