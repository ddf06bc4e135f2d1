package io.ringmaster.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** The typed objects of one {@code helm template} run, with the look-ups the assertions use. */
final class RenderedChart {
  private final List<HasMetadata> objects;

  RenderedChart(List<HasMetadata> objects) {
    this.objects = List.copyOf(objects);
  }

  List<HasMetadata> objects() {
    return objects;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** The only object of this type; fails if there are none or several. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + type.getSimpleName() + ", rendered " + found.size()
          + ": " + found.stream().map(o -> o.getMetadata().getName()).toList());
    }
    return found.get(0);
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " in "
            + all(type).stream().map(o -> o.getMetadata().getName()).toList()));
  }

  StatefulSet coordinator() {
    return one(StatefulSet.class);
  }

  Container coordinatorContainer() {
    List<Container> containers = coordinator().getSpec().getTemplate().getSpec().getContainers();
    return containers.stream().filter(c -> c.getName().equals("coordinator")).findFirst()
        .orElseThrow(() -> new AssertionError("no container named coordinator in " + containers));
  }

  List<String> coordinatorArgs() {
    return coordinatorContainer().getArgs();
  }

  /** Every value given to {@code flag} in the coordinator's arguments, in order ({@code --f v --f w}). */
  List<String> flagValues(String flag) {
    List<String> args = coordinatorArgs();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag)) {
        if (i + 1 >= args.size()) {
          throw new AssertionError(flag + " is the last argument, without a value: " + args);
        }
        values.add(args.get(i + 1));
      }
    }
    return values;
  }

  /** The single value of {@code flag}; fails when it is missing or repeated. */
  String flag(String flag) {
    List<String> values = flagValues(flag);
    if (values.size() != 1) {
      throw new AssertionError("expected " + flag + " once in " + coordinatorArgs() + ", found " + values.size());
    }
    return values.get(0);
  }

  /** A file of the chart's ConfigMap, parsed as YAML. */
  JsonNode configFile(String key) {
    return StrictManifests.mapper().readTree(configText(key));
  }

  /** A file of the chart's ConfigMap, as text. */
  String configText(String key) {
    ConfigMap config = one(ConfigMap.class);
    String text = config.getData().get(key);
    if (text == null) {
      throw new AssertionError("ConfigMap " + config.getMetadata().getName() + " has no " + key + ": "
          + config.getData().keySet());
    }
    return text;
  }
}
