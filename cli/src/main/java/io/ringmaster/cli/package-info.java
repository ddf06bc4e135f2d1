/**
 * The {@code ringmaster} command line (picocli). This package holds only the entry points: {@link
 * io.ringmaster.cli.Main} (the program: logging set-up, then run, then exit with the command's code) and
 * {@link io.ringmaster.cli.Cli} (builds the command tree for a {@code CliContext} and maps errors to exit
 * codes, so that tests run commands in-process).
 *
 * <p>The rest, by role:
 * <ul>
 *   <li>{@code commands}: one class per subcommand, the user-visible behaviour ({@code run},
 *       {@code coordinator}, {@code worker} (from the worker module), {@code submit}, {@code status},
 *       {@code watch}, {@code list}, {@code cancel}) and their shared options;</li>
 *   <li>{@code support}: the plumbing the commands stand on (the context of the outside world, how
 *       commands are created, starting coordinators, logging, shutdown hooks, reading job files, exit
 *       codes and expected errors);</li>
 *   <li>{@code client}: the gRPC client of a coordinator's {@code JobService};</li>
 *   <li>{@code render}: what the commands print (progress, epoch lines, tables, the summary).</li>
 * </ul>
 *
 * <p>Exit codes ({@code support.ExitCodes}): 0 ok, 1 the job failed or an error, 2 bad usage or a bad job
 * spec.
 */
package io.ringmaster.cli;
