package io.ringmaster.cli.support;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates picocli command objects, handing the {@link CliContext} to those with a {@code (CliContext)}
 * constructor and leaving every other class to picocli's default factory.
 */
public final class ContextFactory implements CommandLine.IFactory {
  private final CliContext context;

  public ContextFactory(CliContext context) {
    this.context = context;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    Constructor<K> withContext;
    try {
      withContext = cls.getDeclaredConstructor(CliContext.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(cls);
    }
    withContext.setAccessible(true);
    return withContext.newInstance(context);
  }
}
