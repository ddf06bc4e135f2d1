/**
 * Test fixtures shared by the modules above {@code job}, published as this module's test jar
 * ({@code <type>test-jar</type>}, test scope): real data cut small ({@link io.ringmaster.job.testing.FashionSubset})
 * and sample checkpoints ({@link io.ringmaster.job.testing.SampleCheckpoints}). Only what several modules'
 * tests need lives here; a module's own helpers stay in its tests.
 */
package io.ringmaster.job.testing;
