/**
 * The coordinator's configuration in one place: {@link io.ringmaster.coordinator.config.CoordinatorConfig}
 * (every setting, its default and its bounds), read from an optional YAML file with command-line flags
 * on top by {@link io.ringmaster.coordinator.config.CoordinatorConfigReader}, which reports every bad
 * setting at once with its path ({@code jobs.maxConcurrent: must be >= 1, got 0}), like job specs.
 */
package io.ringmaster.coordinator.config;
