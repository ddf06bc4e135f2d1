package io.ringmaster.coordinator.store;

/**
 * An {@link AuditRecord} as stored, with its place in the trail: {@code seq} grows with every record a
 * store appends (never reused, also after records are deleted), so it orders records and is the cursor of
 * a listing's pages.
 */
public record AuditEntry(long seq, AuditRecord record) {}
