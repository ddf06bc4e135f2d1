package io.ringmaster.job.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the {@code kubernetes} section of a resolved spec against Kubernetes' own rules (names,
 * operators, effects, paths), so a bad value is named with its field path at submission rather than
 * refused by the API server when the pods are created.
 */
final class KubernetesSpecValidator {
  /** A DNS-1123 subdomain: claim names, priority class names, scheduler names. */
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  /** A label value (also queue names). */
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Set<String> OPERATORS = Set.of("", "Equal", "Exists");
  private static final Set<String> EFFECTS = Set.of("", "NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Set<String> AFFINITY = Set.of("nodeAffinity", "podAffinity", "podAntiAffinity");
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubernetesSpecValidator() {}

  static void validate(KubernetesSpec k, List<Violation> v) {
    validate(k, "spec.kubernetes.", v);
  }

  /** The same checks on a {@code kubernetes} section named by {@code f} (ending in a dot). */
  static void validate(KubernetesSpec k, String f, List<Violation> v) {
    if (k == null) {
      return;
    }
    for (Map.Entry<String, String> e : k.nodeSelector().entrySet()) {
      if (e.getKey().isBlank()) {
        v.add(new Violation(f + "nodeSelector", "a label name is empty"));
      } else if (!LABEL_VALUE.matcher(e.getValue()).matches() || e.getValue().length() > 63) {
        v.add(new Violation(f + "nodeSelector." + e.getKey(), "'" + e.getValue() + "' is not a valid label value"
            + " (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"));
      }
    }
    for (int i = 0; i < k.tolerations().size(); i++) {
      KubernetesSpec.Toleration t = k.tolerations().get(i);
      String p = f + "tolerations[" + i + "]";
      String op = t.operator() == null ? "" : t.operator();
      if (!OPERATORS.contains(op)) {
        v.add(new Violation(p + ".operator", "unknown operator '" + op + "': use Equal or Exists"));
      } else if (op.equals("Exists") && t.value() != null && !t.value().isEmpty()) {
        v.add(new Violation(p + ".value", "must be empty with operator Exists, got '" + t.value() + "'"));
      }
      if ((t.key() == null || t.key().isEmpty()) && !op.equals("Exists")) {
        v.add(new Violation(p + ".key", "is required unless operator is Exists (which then tolerates every taint)"));
      }
      String effect = t.effect() == null ? "" : t.effect();
      if (!EFFECTS.contains(effect)) {
        v.add(new Violation(p + ".effect", "unknown effect '" + effect
            + "': use NoSchedule, PreferNoSchedule or NoExecute (or leave it out for all)"));
      }
      if (t.tolerationSeconds() != null && !effect.equals("NoExecute")) {
        v.add(new Violation(p + ".tolerationSeconds", "only applies to effect NoExecute"));
      }
    }
    if (!k.affinityJson().isEmpty()) {
      try {
        JsonNode a = JSON.readTree(k.affinityJson());
        if (a == null || !a.isObject()) {
          v.add(new Violation(f + "affinity", "must be a mapping (nodeAffinity, podAffinity, podAntiAffinity)"));
        } else {
          a.fieldNames().forEachRemaining(name -> {
            if (!AFFINITY.contains(name)) {
              v.add(new Violation(f + "affinity." + name, "unknown field; known fields here: nodeAffinity,"
                  + " podAffinity, podAntiAffinity"));
            }
          });
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        v.add(new Violation(f + "affinity", "is not valid JSON: " + e.getOriginalMessage()));
      }
    }
    name(f + "priorityClassName", k.priorityClassName(), v);
    name(f + "schedulerName", k.schedulerName(), v);
    if (!k.queue().isEmpty() && (!LABEL_VALUE.matcher(k.queue()).matches() || k.queue().length() > 63)) {
      v.add(new Violation(f + "queue", "'" + k.queue() + "' is not a valid label value"));
    }
    if (k.image().chars().anyMatch(Character::isWhitespace)) {
      v.add(new Violation(f + "image", "must not contain spaces, got '" + k.image() + "'"));
    }
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < k.volumes().size(); i++) {
      KubernetesSpec.Volume vol = k.volumes().get(i);
      String p = f + "volumes[" + i + "]";
      if (vol.claimName() == null || vol.claimName().isEmpty()) {
        v.add(new Violation(p + ".claimName", "is required: the PersistentVolumeClaim to mount"));
      } else {
        name(p + ".claimName", vol.claimName(), v);
      }
      if (vol.mountPath() == null || !vol.mountPath().startsWith("/")) {
        v.add(new Violation(p + ".mountPath", "must be an absolute path in the worker container, got "
            + (vol.mountPath() == null ? "nothing" : "'" + vol.mountPath() + "'")));
      } else if (!paths.add(vol.mountPath())) {
        v.add(new Violation(p + ".mountPath", "'" + vol.mountPath() + "' is mounted twice"));
      }
    }
  }

  private static void name(String field, String value, List<Violation> v) {
    if (!value.isEmpty() && (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches())) {
      v.add(new Violation(field, "'" + value + "' is not a valid Kubernetes name (lower-case letters, digits,"
          + " '-' and '.', starting and ending with a letter or digit)"));
    }
  }
}
