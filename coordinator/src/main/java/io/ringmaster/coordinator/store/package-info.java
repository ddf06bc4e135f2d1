/** Job stores: where jobs, their states and metrics are kept. */
package io.ringmaster.coordinator.store;
