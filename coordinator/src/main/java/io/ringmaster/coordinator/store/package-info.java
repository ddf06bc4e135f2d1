/**
 * Job stores: where jobs, their states and metrics, their checkpoint references and the audit trail are
 * kept. Audit records ({@link io.ringmaster.coordinator.store.AuditRecord}) outlive the jobs they name; each
 * stored record gets a seq that only grows ({@link io.ringmaster.coordinator.store.AuditEntry}), the
 * position a listing's pages continue from, and retention deletes records by age.
 */
package io.ringmaster.coordinator.store;
