/**
 * The {@code ringmaster} subcommands, one class each: what a user can ask for and what it does.
 * {@link io.ringmaster.cli.commands.RingmasterCommand} is the root and lists them: {@code run} (an
 * embedded coordinator in this JVM, local worker processes, follow the job to its end), {@code coordinator}
 * (a long-running coordinator), {@code worker} ({@code io.ringmaster.worker.WorkerCommand}, from the
 * worker module), and the client commands {@code submit}, {@code status}, {@code watch}, {@code list} and
 * {@code cancel} against a running coordinator.
 *
 * <p>Shared pieces of commands live here too: {@code CoordinatorOption} ({@code --coordinator}),
 * {@code SpecOverrides} ({@code --workers}, {@code --epochs}), {@code JobFollower} (follow a job's events
 * to its end and report how it ended) and the {@code --version} provider. Commands take a {@code
 * CliContext} in their constructor (see {@code support.ContextFactory}) and touch the outside world only
 * through it.
 */
package io.ringmaster.cli.commands;
