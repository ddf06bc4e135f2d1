package io.ringmaster.coordinator.jobs;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.ringmaster.job.spec.Violation;
import java.util.List;
import java.util.Map;

/**
 * Caps on every string a client sends in a job spec, checked at submission before anything is stored:
 * a job is stored and listed for as long as it is kept, so an unbounded string would make every listing
 * that includes it expensive (or, past gRPC's message limit, impossible). The walk is over the proto's
 * descriptor, so string fields added to the spec later are capped too ({@link #DEFAULT_MAX_CHARS}) unless
 * they get their own limit in {@link #LIMITS}. A violation names the field path in the job file's
 * spelling ({@code spec.name}, {@code spec.data.train.labelsPath}).
 */
public final class ClientStringLimits {
  /** Limit of a string field without its own entry in {@link #LIMITS}: long enough for any path. */
  public static final int DEFAULT_MAX_CHARS = 4096;
  /** Limit of {@code spec.name}. */
  public static final int MAX_NAME_CHARS = 200;
  /** Limit of {@code spec.model.dl4jJson}, the one field that is a document rather than a value. */
  public static final int MAX_DL4J_JSON_CHARS = 1 << 20;

  /** Fields with their own limit, by field path. */
  static final Map<String, Integer> LIMITS = Map.of(
      "spec.name", MAX_NAME_CHARS,
      "spec.model.dl4jJson", MAX_DL4J_JSON_CHARS);

  private ClientStringLimits() {}

  /** Adds a violation for every string of {@code spec} over its limit. */
  public static void check(Message spec, List<Violation> out) {
    walk("spec", spec, out);
  }

  private static void walk(String path, Message m, List<Violation> out) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String fieldPath = path + "." + f.getJsonName();
      if (f.isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size(); i++) {
          visit(fieldPath + "[" + i + "]", fieldPath, f, values.get(i), out);
        }
      } else {
        visit(fieldPath, fieldPath, f, e.getValue(), out);
      }
    }
  }

  private static void visit(String path, String limitKey, FieldDescriptor f, Object value, List<Violation> out) {
    if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
      int max = LIMITS.getOrDefault(limitKey, DEFAULT_MAX_CHARS);
      int length = ((String) value).length();
      if (length > max) {
        out.add(new Violation(path, "too long: " + length + " characters, at most " + max + " are accepted"
            + (path.equals("spec.name") ? " (a short label; put descriptions elsewhere)" : "")));
      }
    } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      walk(path, (Message) value, out);
    }
  }
}
