/**
 * The {@code ringmaster} command line (picocli): {@link io.ringmaster.cli.Main} is the entry point,
 * {@link io.ringmaster.cli.Cli} wires the commands to a {@link io.ringmaster.cli.CliContext} (output
 * streams, terminal or not, clock, channel factory, coordinator launcher) so that every command is
 * testable, and one class per subcommand does the work: {@code run} (embedded coordinator), {@code
 * coordinator}, {@code worker}, and the client commands {@code submit}, {@code status}, {@code watch},
 * {@code list}, {@code cancel}.
 *
 * <p>Exit codes ({@link io.ringmaster.cli.ExitCodes}): 0 ok, 1 the job failed or an error, 2 bad usage or
 * a bad job spec.
 */
package io.ringmaster.cli;
