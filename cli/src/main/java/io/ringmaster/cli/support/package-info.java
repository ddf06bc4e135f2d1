/**
 * The plumbing under the commands, nothing a user invokes directly:
 * <ul>
 *   <li>{@link io.ringmaster.cli.support.CliContext}: everything a command needs from the outside world
 *       (streams, terminal, clock, channels, coordinator launcher, shutdown hooks), replaceable in tests;
 *       {@link io.ringmaster.cli.support.ContextFactory} hands it to each command picocli creates;</li>
 *   <li>{@link io.ringmaster.cli.support.CoordinatorLauncher}: starts a coordinator in this JVM
 *       ({@code run}, {@code coordinator}); {@link io.ringmaster.cli.support.ShutdownHooks}: clean-up on
 *       Ctrl-C;</li>
 *   <li>{@link io.ringmaster.cli.support.LogConfig}: the logging set-up, chosen before anything logs;</li>
 *   <li>{@link io.ringmaster.cli.support.SpecLoader}: a job file with the command-line overrides, resolved
 *       once, as the proto to submit;</li>
 *   <li>{@link io.ringmaster.cli.support.CliException} and {@link io.ringmaster.cli.support.ExitCodes}: an
 *       expected failure, its lines for stderr and its exit code.</li>
 * </ul>
 */
package io.ringmaster.cli.support;
