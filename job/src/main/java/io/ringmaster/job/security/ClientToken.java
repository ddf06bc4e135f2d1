package io.ringmaster.job.security;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The client token a client of the coordinator's API sends (the CLI's client commands, the Spark
 * application's {@code --coordinator} mode), from (first match wins):
 * <ol>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>{@code token:} in the config file {@code $XDG_CONFIG_HOME/ringmaster/config.yaml} (default
 *       {@code ~/.config/ringmaster/config.yaml}), which must be readable by its owner only (chmod 600), as
 *       ssh insists for its keys.</li>
 * </ol>
 * Never from a command-line argument, which every user of the machine sees in {@code ps}. No token is not
 * an error here: a coordinator without client authentication needs none, and one with it answers
 * UNAUTHENTICATED saying how to give one.
 */
public final class ClientToken {
  /** The environment variable holding the token. */
  public static final String ENV = "RINGMASTER_TOKEN";

  /** A token file or variable that cannot be used; the message says which and how to fix it. */
  public static final class BadTokenSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadTokenSourceException(String message) {
      super(message);
    }
  }

  private ClientToken() {}

  /** The config file's path for this environment and home directory. */
  public static Path configFile(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
    return base.resolve("ringmaster").resolve("config.yaml");
  }

  /** The token of this process: its environment and its user's home directory. */
  public static Optional<String> ofThisProcess() {
    return resolve(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The token from {@code env}, else from the config file under {@code home}; empty when neither gives one.
   *
   * @throws BadTokenSourceException for a config file others may read, that does not parse, or whose
   *     token is not a single line of text
   */
  public static Optional<String> resolve(Map<String, String> env, Path home) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(checked(fromEnv.strip(), "$" + ENV));
    }
    Path file = configFile(env, home);
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new BadTokenSourceException("cannot read " + file + " (" + e.getClass().getSimpleName() + "): fix its"
          + " permissions, or set $" + ENV);
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new BadTokenSourceException(file + " holds a client token but other users may read it: run"
            + " chmod 600 " + file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to check
    }
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
      mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(text);
    } catch (IOException e) {
      throw new BadTokenSourceException(file + " is not valid YAML: " + getOriginalMessageOrFirstLine(e));
    }
    if (root == null || root.isNull() || !root.isObject() || !root.hasNonNull("token")) {
      return Optional.empty();
    }
    JsonNode token = root.get("token");
    if (!token.isTextual() || token.asText().isBlank()) {
      throw new BadTokenSourceException(file + ": token must be a non-empty string");
    }
    return Optional.of(checked(token.asText().strip(), file + ": token"));
  }

  /** A token must fit in one HTTP/2 header: printable ASCII only (what the coordinator issues). */
  private static String checked(String token, String source) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new BadTokenSourceException(source + " is not a token: it must be printable ASCII without spaces");
      }
    }
    if (token.length() > 4096) {
      throw new BadTokenSourceException(source + " is not a token: longer than 4096 characters");
    }
    return token;
  }

  private static String getOriginalMessageOrFirstLine(IOException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
  }
}
