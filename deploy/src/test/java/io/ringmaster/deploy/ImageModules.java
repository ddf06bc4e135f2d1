package io.ringmaster.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Maven modules that build the container images ({@code images/} and one module per image), read as
 * XML: what Jib would be configured with, without running Maven or Jib. The repository's root comes from the
 * system property {@code ringmaster.repo.dir} (set by this module's pom), else {@code ..}.
 */
final class ImageModules {
  /** One dependency of a pom: groupId, artifactId, classifier ("" for none), and its exclusions. */
  record Dependency(String groupId, String artifactId, String classifier, List<String> exclusions) {
    String key() {
      return groupId + ":" + artifactId + (classifier.isEmpty() ? "" : ":" + classifier);
    }
  }

  private final Path repo;

  private ImageModules(Path repo) {
    this.repo = repo;
  }

  static ImageModules ofThisRepository() {
    Path repo = Path.of(System.getProperty("ringmaster.repo.dir", "..")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(repo.resolve("images/pom.xml"))) {
      throw new IllegalStateException("no images/pom.xml under " + repo
          + ": run the tests from the deploy module (mvn -pl deploy test) or set -Dringmaster.repo.dir");
    }
    return new ImageModules(repo);
  }

  Path repo() {
    return repo;
  }

  Path file(String relative) {
    return repo.resolve(relative);
  }

  /** The parsed pom of {@code images/<module>} ("" for {@code images/} itself) or of the root (".."). */
  Document pom(String module) {
    Path pom = module.equals("..") ? repo.resolve("pom.xml")
        : module.isEmpty() ? repo.resolve("images/pom.xml") : repo.resolve("images").resolve(module).resolve("pom.xml");
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(pom.toFile());
    } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
    }
  }

  /** The {@code <properties>} of a pom that belong to the project itself (not those inside profiles). */
  Map<String, String> properties(String module) {
    Map<String, String> props = new TreeMap<>();
    Element project = pom(module).getDocumentElement();
    Element properties = child(project, "properties");
    if (properties != null) {
      for (Element p : children(properties)) {
        props.put(p.getTagName(), p.getTextContent().trim());
      }
    }
    return props;
  }

  /** The image name Jib gives a module: prefix, name and tag from the poms' properties. */
  String imageName(String module) {
    Map<String, String> parent = properties("");
    String configured = text(pluginConfiguration(""), "to", "image");
    return configured
        .replace("${ringmaster.image.prefix}", parent.get("ringmaster.image.prefix"))
        .replace("${ringmaster.image.name}", properties(module).get("ringmaster.image.name"))
        .replace("${ringmaster.image.tag}", parent.get("ringmaster.image.tag"));
  }

  /** The jib-maven-plugin {@code <configuration>} of a module (in its plugins or pluginManagement). */
  Element pluginConfiguration(String module) {
    NodeList plugins = pom(module).getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(plugin, "artifactId")) && child(plugin, "configuration") != null) {
        return child(plugin, "configuration");
      }
    }
    return null;
  }

  /** The modules a pom lists directly ({@code <modules>}, not in profiles). */
  List<String> modules(String module) {
    Element modules = child(pom(module).getDocumentElement(), "modules");
    return modules == null ? List.of() : children(modules).stream().map(e -> e.getTextContent().trim()).toList();
  }

  /** The modules a profile of a pom adds. */
  List<String> profileModules(String module, String profileId) {
    Element profiles = child(pom(module).getDocumentElement(), "profiles");
    if (profiles == null) {
      return List.of();
    }
    for (Element profile : children(profiles)) {
      if (profileId.equals(text(profile, "id"))) {
        Element modules = child(profile, "modules");
        return modules == null ? List.of() : children(modules).stream().map(e -> e.getTextContent().trim()).toList();
      }
    }
    return List.of();
  }

  /** The {@code <dependencies>} of a module's pom. */
  List<Dependency> dependencies(String module) {
    List<Dependency> deps = new ArrayList<>();
    Element dependencies = child(pom(module).getDocumentElement(), "dependencies");
    if (dependencies == null) {
      return deps;
    }
    for (Element d : children(dependencies)) {
      List<String> exclusions = new ArrayList<>();
      Element ex = child(d, "exclusions");
      if (ex != null) {
        for (Element e : children(ex)) {
          exclusions.add(text(e, "groupId") + ":" + text(e, "artifactId"));
        }
      }
      String classifier = text(d, "classifier");
      deps.add(new Dependency(text(d, "groupId"), text(d, "artifactId"), classifier == null ? "" : classifier,
          exclusions));
    }
    return deps;
  }

  /** The text of the element at this path of child names under {@code e}, or null. */
  static String text(Element e, String... path) {
    Element at = e;
    for (String name : path) {
      at = at == null ? null : child(at, name);
    }
    return at == null ? null : at.getTextContent().trim();
  }

  static Element child(Element parent, String name) {
    for (Element c : children(parent)) {
      if (c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }
}
