package io.ringmaster.coordinator.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringmaster.coordinator.config.InvalidConfigException;
import io.ringmaster.job.spec.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a coordinator's tokens file ({@code --tokens-file}; in Kubernetes a Secret mounted as a file):
 *
 * <pre>
 * tokens:
 *   - name: alice                 # shown in audit records and logs (the token never is)
 *     tenant: team-a              # a DNS label: lowercase letters, digits, '-'
 *     role: submit                # read | submit | admin
 *     sha256: 3a7bd3e2...         # SHA-256 (hex) of the token: printf %s "$TOKEN" | sha256sum
 *   - name: ci
 *     tenant: team-b
 *     role: read
 *     token: "..."                # or the token itself (>= 32 characters), hashed when read; the file
 *                                 # must then not be readable by others (chmod 600 or 640)
 * tenants:                        # optional quotas (0 or absent: no limit of the tenant's own)
 *   team-a: {maxActiveJobs: 2, maxWorkersPerJob: 8, maxWorkerMemoryMb: 4096}
 * </pre>
 *
 * Every problem is reported at once with its path in the file and its line ({@code tokens[1].role: must be
 * read, submit or admin (line 7)}); a text that is not YAML is reported with the parser's line and column;
 * duplicate keys are refused. Messages never quote a token.
 */
public final class TokensFile {
  /** Shortest token accepted in plain text: 32 characters, e.g. {@code openssl rand -hex 32} gives 64. */
  public static final int MIN_TOKEN_CHARS = 32;
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Set<String> TOKEN_KEYS = Set.of("name", "tenant", "role", "sha256", "token");
  private static final Set<String> QUOTA_KEYS = Set.of("maxActiveJobs", "maxWorkersPerJob", "maxWorkerMemoryMb");

  private TokensFile() {}

  /**
   * Reads and checks the file.
   *
   * @throws InvalidConfigException naming every problem, with its path in the file
   */
  public static TokenTable read(Path file) {
    String text;
    try {
      text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException(List.of(new Violation("security.tokensFile", "cannot read " + file + " ("
          + e.getClass().getSimpleName() + "): check the path and that the coordinator's user may read it")));
    }
    return parse(text, file.toString(), readableByOthers(file));
  }

  /**
   * Parses the file's text.
   *
   * @param source the file's name, for messages
   * @param readableByOthers whether users other than the owner and group may read the file: plain tokens
   *     are then refused
   */
  public static TokenTable parse(String text, String source, boolean readableByOthers) {
    List<Violation> v = new ArrayList<>();
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
      mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(text);
    } catch (IOException e) {
      // the parser's own message names a duplicate key; it quotes no value
      String why = e instanceof JsonProcessingException j && j.getOriginalMessage() != null ? j.getOriginalMessage()
          : String.valueOf(e.getMessage());
      JsonLocation where = e instanceof JsonProcessingException j ? j.getLocation() : null;
      throw new InvalidConfigException(List.of(new Violation(source, "not a valid tokens file"
          + (where != null && where.getLineNr() > 0 ? " at line " + where.getLineNr() + ", column "
              + where.getColumnNr() : "") + ": " + problem(why))));
    }
    if (root == null || !root.isObject() || !root.path("tokens").isArray()) {
      throw new InvalidConfigException(List.of(new Violation(source, "must be a mapping with a list 'tokens' (each"
          + " with name, tenant, role and sha256 or token) and optionally 'tenants' (quotas)")));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("tokens") && !key.equals("tenants")) {
        v.add(new Violation(key, "unknown section in " + source + "; known: tokens, tenants"));
      }
    }
    List<TokenTable.Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    JsonNode tokens = root.get("tokens");
    for (int i = 0; i < tokens.size(); i++) {
      String at = "tokens[" + i + "]";
      JsonNode t = tokens.get(i);
      if (!t.isObject()) {
        v.add(new Violation(at, "must be a mapping with name, tenant, role and sha256 or token"));
        continue;
      }
      for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!TOKEN_KEYS.contains(key)) {
          v.add(new Violation(at + "." + key, "unknown key; known: name, role, sha256, tenant, token"));
        }
      }
      String name = t.path("name").asText("");
      if (!NAME.matcher(name).matches()) {
        v.add(new Violation(at + ".name", "must be 1-64 letters, digits, '.', '_', '@' or '-'"));
      } else if (!names.add(name)) {
        v.add(new Violation(at + ".name", "'" + name + "' is used by another token; names must be unique"));
      }
      String tenant = t.path("tenant").asText("");
      if (!TENANT.matcher(tenant).matches()) {
        v.add(new Violation(at + ".tenant", "must be a DNS label (lowercase letters, digits and '-', 1-63"
            + " characters)"));
      }
      Role role = Role.parse(t.path("role").asText(""));
      if (role == null) {
        v.add(new Violation(at + ".role", "must be read, submit or admin"));
      }
      byte[] hash = null;
      boolean hasHash = t.hasNonNull("sha256");
      boolean hasToken = t.hasNonNull("token");
      if (hasHash == hasToken) {
        v.add(new Violation(at, "give exactly one of sha256 (the token's SHA-256, hex) or token"));
      } else if (hasHash) {
        String hex = t.get("sha256").asText();
        if (!HEX64.matcher(hex).matches()) {
          v.add(new Violation(at + ".sha256", "must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)"));
        } else {
          hash = HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        }
      } else {
        String token = t.get("token").asText();
        if (readableByOthers) {
          v.add(new Violation(at + ".token", "plain tokens need a file that others cannot read: chmod 600 "
              + source + " (or give sha256 instead of token)"));
        } else if (token.length() < MIN_TOKEN_CHARS || token.isBlank()) {
          v.add(new Violation(at + ".token", "too short: at least " + MIN_TOKEN_CHARS + " characters (e.g. openssl"
              + " rand -hex 32)"));
        } else {
          hash = TokenTable.sha256(token);
        }
      }
      if (hash != null && !hashes.add(HexFormat.of().formatHex(hash))) {
        v.add(new Violation(at, "the same token as another entry; every token must be different"));
      }
      if (hash != null && role != null && TENANT.matcher(tenant).matches() && NAME.matcher(name).matches()) {
        entries.add(new TokenTable.Entry(name, tenant, role, hash));
      }
    }
    Map<String, TenantQuota> quotas = quotas(root.get("tenants"), v);
    if (!v.isEmpty()) {
      YamlLines lines = YamlLines.of(text);
      throw new InvalidConfigException(v.stream().map(x -> {
        int line = lines.lineOf(x.field());
        return line > 0 ? new Violation(x.field(), x.message() + " (line " + line + ")") : x;
      }).toList());
    }
    return new TokenTable(entries, quotas);
  }

  private static Map<String, TenantQuota> quotas(JsonNode tenants, List<Violation> v) {
    Map<String, TenantQuota> quotas = new LinkedHashMap<>();
    if (tenants == null || tenants.isNull()) {
      return quotas;
    }
    if (!tenants.isObject()) {
      v.add(new Violation("tenants", "must be a mapping of tenant name to quota"));
      return quotas;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = tenants.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = "tenants." + e.getKey();
      if (!TENANT.matcher(e.getKey()).matches()) {
        v.add(new Violation(at, "not a tenant name (a DNS label)"));
        continue;
      }
      JsonNode q = e.getValue();
      if (!q.isObject()) {
        v.add(new Violation(at, "must be a mapping: maxActiveJobs, maxWorkersPerJob, maxWorkerMemoryMb"));
        continue;
      }
      int[] values = new int[3];
      int i = 0;
      for (String key : List.of("maxActiveJobs", "maxWorkersPerJob", "maxWorkerMemoryMb")) {
        JsonNode n = q.get(key);
        if (n != null && !(n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 0)) {
          v.add(new Violation(at + "." + key, "must be a whole number >= 0 (0: no limit)"));
        } else if (n != null) {
          values[i] = n.asInt();
        }
        i++;
      }
      for (Iterator<String> keys = q.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!QUOTA_KEYS.contains(key)) {
          v.add(new Violation(at + "." + key, "unknown key; known: maxActiveJobs, maxWorkerMemoryMb, maxWorkersPerJob"));
        }
      }
      quotas.put(e.getKey(), new TenantQuota(values[0], values[1], values[2]));
    }
    return quotas;
  }

  /**
   * The parser's description without the excerpt of the file it quotes (SnakeYAML adds the offending line,
   * indented, under each message: that line may hold a token).
   */
  private static String problem(String parserMessage) {
    String text = parserMessage.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip).collect(java.util.stream.Collectors.joining(": "));
    return text.isEmpty() ? "unreadable YAML" : text;
  }

  static boolean readableByOthers(Path file) {
    try {
      return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException | IOException e) {
      return false; // not a POSIX file system: nothing to check
    }
  }
}
