package io.ringmaster.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Parses Kubernetes manifests into fabric8's typed model classes, refusing every field the API does not
 * define.
 *
 * <p>fabric8's model classes keep unknown fields in an {@code additionalProperties} map (a Jackson
 * "any setter"), so by default a misspelt field ({@code replicaz}) or one at the wrong level parses
 * silently. This parser turns the any-setters off and makes unknown properties fail, so the parse error
 * names the field and its path. Scalars are not coerced either: a quoted number where the API wants an
 * integer, or a bare number where it wants a string (container args, env values, labels), fails as the API
 * server would refuse it. The class of each document comes from its {@code apiVersion} and
 * {@code kind} through fabric8's registry of model classes; a kind fabric8 does not know fails too.
 */
final class StrictManifests {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .annotationIntrospector(new NoAnySetters())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // the API server does not turn "7070" into 7070, nor 7070 into "7070" (args, env values, labels)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();
  private static final KubernetesSerialization KINDS = new KubernetesSerialization();

  private StrictManifests() {}

  /** Every non-empty document of a multi-document YAML stream, each as its typed model object. */
  static List<HasMetadata> parseAll(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    Iterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml);
    int index = 0;
    while (documents.hasNext()) {
      JsonNode document = documents.next();
      index++;
      if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
        continue;
      }
      objects.add(parse(document, "document " + index));
    }
    return objects;
  }

  /** One document; {@code where} names it in errors. */
  static HasMetadata parse(JsonNode document, String where) {
    String apiVersion = document.path("apiVersion").asString("");
    String kind = document.path("kind").asString("");
    Class<? extends HasMetadata> type = modelClass(apiVersion, kind, where);
    try {
      return YAML.treeToValue(document, type);
    } catch (RuntimeException e) {
      String name = document.path("metadata").path("name").asString("?");
      throw new AssertionError(where + " (" + kind + " " + name + ") does not match the Kubernetes API "
          + apiVersion + " " + kind + ": " + e.getMessage(), e);
    }
  }

  static <T extends HasMetadata> T parse(String yaml, Class<T> expected) {
    List<HasMetadata> objects = parseAll(yaml);
    if (objects.size() != 1 || !expected.isInstance(objects.get(0))) {
      throw new AssertionError("expected one " + expected.getSimpleName() + ", got " + objects);
    }
    return expected.cast(objects.get(0));
  }

  private static Class<? extends HasMetadata> modelClass(String apiVersion, String kind, String where) {
    var registered = KINDS.getRegisteredKubernetesResource(apiVersion, kind);
    if (registered == null || !HasMetadata.class.isAssignableFrom(registered)) {
      throw new AssertionError(where + ": fabric8 has no model class for apiVersion '" + apiVersion
          + "' kind '" + kind + "': a typo, or an API version Kubernetes does not serve");
    }
    return registered.asSubclass(HasMetadata.class);
  }

  /** Jackson's annotation reading, except that no {@code @JsonAnySetter} counts. */
  private static final class NoAnySetters extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
      return Boolean.FALSE;
    }
  }

  static ObjectMapper mapper() {
    return YAML;
  }
}
