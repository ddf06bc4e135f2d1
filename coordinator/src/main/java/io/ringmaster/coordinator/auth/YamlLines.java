package io.ringmaster.coordinator.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line on which each node of a YAML text starts, by its path as the tokens file's messages spell it
 * ({@code tokens[1].role}, {@code tenants.team-a}), so that a message can say where to look. Built from the
 * parser's token locations; a text that does not parse yields what was read before the error.
 */
final class YamlLines {
  private final Map<String, Integer> lines = new HashMap<>();

  private YamlLines() {}

  static YamlLines of(String text) {
    YamlLines index = new YamlLines();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        JsonStreamContext at = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY
            ? p.getParsingContext().getParent() : p.getParsingContext();
        if (at != null && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          index.lines.putIfAbsent(path(at), p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep what was indexed: messages about a text that does not parse carry the parser's own location
    }
    return index;
  }

  /** The 1-based line of the node at {@code path}, or of its nearest enclosing node; 0 if unknown. */
  int lineOf(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return 0;
  }

  private static String path(JsonStreamContext c) {
    if (c == null || c.inRoot()) {
      return "";
    }
    String parent = path(c.getParent());
    if (c.inArray()) {
      return parent + "[" + Math.max(0, c.getCurrentIndex()) + "]";
    }
    String name = c.getCurrentName();
    return name == null ? parent : parent.isEmpty() ? name : parent + "." + name;
  }
}
