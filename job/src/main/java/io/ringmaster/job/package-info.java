/** The job model shared by coordinator, workers and clients: states, specs, plans, datasets. */
package io.ringmaster.job;
