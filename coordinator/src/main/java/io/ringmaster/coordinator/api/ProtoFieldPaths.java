package io.ringmaster.coordinator.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Map;

/**
 * Maps a violation's field path as the job file spells it ({@code spec.batchSize},
 * {@code spec.data.train.labels}, {@code spec.model.hidden[1]}) to the path of the proto field a gRPC
 * client set, relative to the request ({@code spec.batch_size}, {@code spec.data.train.labels_path},
 * {@code spec.model.builtin.hidden[1]}): what {@code google.rpc.BadRequest.FieldViolation.field} carries,
 * so that a client written from the {@code .proto} files alone can map an error back to its field. The
 * walk follows the descriptors (proto names from their JSON names), plus the few places where the job
 * file's name differs from the proto's ({@link #ALIASES}). A segment it cannot place, and everything after
 * it, is kept as written.
 */
public final class ProtoFieldPaths {
  /** Job-file names that are not the proto field's JSON name, per message: YAML name to proto path. */
  static final Map<String, Map<String, String>> ALIASES = Map.of(
      "ringmaster.v1.ModelSpec", Map.of(
          "architecture", "builtin.architecture",
          "hidden", "builtin.hidden",
          "activation", "builtin.activation",
          "dl4jJsonFile", "dl4j_json"),
      "ringmaster.v1.DatasetRef", Map.of("labels", "labels_path"),
      "ringmaster.v1.KubernetesSpec", Map.of("affinity", "affinity_json"));

  private ProtoFieldPaths() {}

  /** The proto path of {@code yamlPath} (which starts with {@code spec}). */
  public static String of(String yamlPath) {
    if (!yamlPath.equals("spec") && !yamlPath.startsWith("spec.")) {
      return yamlPath;
    }
    StringBuilder out = new StringBuilder("spec");
    Descriptor message = io.ringmaster.proto.v1.JobSpec.getDescriptor();
    String[] segments = yamlPath.split("\\.");
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      int bracket = segment.indexOf('[');
      String name = bracket < 0 ? segment : segment.substring(0, bracket);
      String index = bracket < 0 ? "" : segment.substring(bracket);
      if (message == null) {
        out.append('.').append(segment); // inside a map or a scalar: keep as written
        continue;
      }
      String alias = ALIASES.getOrDefault(message.getFullName(), Map.of()).get(name);
      String protoPath = alias != null ? alias : name;
      Descriptor at = message;
      FieldDescriptor field = null;
      for (String part : protoPath.split("\\.")) {
        field = at == null ? null : byName(at, part);
        if (field == null) {
          break;
        }
        out.append('.').append(field.getName());
        at = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()
            ? field.getMessageType() : null;
      }
      if (field == null) {
        appendRest(out, segments, i);
        return out.toString();
      }
      out.append(index);
      message = at;
    }
    return out.toString();
  }

  private static FieldDescriptor byName(Descriptor message, String name) {
    for (FieldDescriptor f : message.getFields()) {
      if (f.getJsonName().equals(name) || f.getName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static void appendRest(StringBuilder out, String[] segments, int from) {
    for (int i = from; i < segments.length; i++) {
      out.append('.').append(segments[i]);
    }
  }
}
