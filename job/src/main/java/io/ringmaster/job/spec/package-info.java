/**
 * Job specs as plain records, their YAML and proto forms, and the validator that names every bad
 * field by its path ({@code spec.data.train.path}).
 */
package io.ringmaster.job.spec;
