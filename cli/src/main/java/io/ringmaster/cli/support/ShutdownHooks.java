package io.ringmaster.cli.support;

/**
 * Registers actions to run when the JVM is asked to stop (Ctrl-C, SIGTERM) while a command is in
 * progress. The real one is {@link #runtime()}; tests capture the action and run it themselves.
 */
@FunctionalInterface
public interface ShutdownHooks {

  /** A registered action; {@link #close()} unregisters it (a no-op once the JVM is shutting down). */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  Registration register(String name, Runnable action);

  /** {@link Runtime#addShutdownHook} with a thread named {@code name}. */
  static ShutdownHooks runtime() {
    return (name, action) -> {
      Thread thread = new Thread(action, name);
      Runtime.getRuntime().addShutdownHook(thread);
      return () -> {
        try {
          Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down, so the hook is running or has run: nothing to undo
        }
      };
    };
  }
}
