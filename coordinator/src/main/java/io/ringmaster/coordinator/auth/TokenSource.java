package io.ringmaster.coordinator.auth;

/**
 * Where the {@link ClientAuthInterceptor} finds the tokens it accepts at the moment of a call: a fixed
 * {@link TokenTable}, or a {@link TokensFileWatcher} whose table changes when the tokens file does (a
 * token removed from the file is refused from the first call after the change was read).
 */
@FunctionalInterface
public interface TokenSource {
  /** The tokens in force now; never null. */
  TokenTable tokens();
}
