/**
 * Datasets stored on the coordinator, content-addressed and kept per tenant, and the {@code DatasetService}
 * that uploads, lists, describes, deletes and serves them (and serves trained models).
 *
 * <p><b>Layout</b> under {@code <dataDir>/datasets/}:
 * <pre>
 * blobs/&lt;sha256&gt;                   the bytes, stored once whichever tenants hold them
 * blobs/&lt;sha256&gt;.meta              the Dataset description (proto) read when the bytes were stored
 * tenants/&lt;tenant&gt;/held/&lt;sha256&gt;   the tenant holds these bytes (since the time the file holds)
 * tenants/&lt;tenant&gt;/names/&lt;name&gt;    the SHA-256 the tenant's name points at (moves when it pushes other bytes)
 * uploads/&lt;id&gt;.part               bytes received so far of an unfinished upload
 * uploads/&lt;id&gt;.upload             what the upload announced (name, size, SHA-256)
 * uploads/&lt;id&gt;.tenant             the tenant that opened it
 * </pre>
 * "No tenant" is {@code tenants/_}. Every file but {@code .part} is written to a temporary file, fsynced and
 * renamed into place, so a crash never leaves a partial blob or description under its final name.
 *
 * <p><b>Tenants</b> ({@link io.ringmaster.coordinator.datasets.DatasetScope}): a request works in its
 * caller's scope. A tenant sees, names, uses in jobs and deletes only what it holds; anything else, by name,
 * hash or upload id, is answered exactly as something nobody stored (NOT_FOUND, same words). Admins see
 * every tenant's datasets (a plain name is their own tenant's; {@code TENANT/NAME} another's). The blobs are
 * shared, the holds are not: a tenant pushing bytes another tenant stored uploads all of them, the hash is
 * checked, and only then is its hold made (the blob already there is kept, the upload dropped), with its own
 * time. So content addressing saves disk across tenants but never tells one tenant what another stored. A
 * store written before tenants existed is migrated at start: its datasets and names are held by no tenant
 * (visible to admins, and to every caller of a coordinator without client authentication).
 *
 * <p><b>An upload's states.</b> {@code StartUpload} either finds the bytes already held by the caller's
 * tenant (done: the name now points at them), finds an unfinished upload of that tenant of the same hash and
 * size (resumed at its offset), or opens a new one at offset 0. {@code UploadChunks} appends from the
 * upload's offset; when the offset reaches the size the file is hashed, described ({@link
 * io.ringmaster.job.data.DataFileDescription}) and moved into {@code blobs/} (or dropped, when the same bytes
 * are there already) and held by the tenant, or deleted if the hash or the format is wrong. An upload
 * untouched for the store's upload expiry (measured on the injected clock) is deleted by {@link
 * io.ringmaster.coordinator.datasets.DatasetStore#sweepExpired()}, which the coordinator runs periodically.
 *
 * <p><b>Limits</b> ({@link io.ringmaster.coordinator.datasets.DatasetLimits}, coordinator settings
 * {@code datasets.*}): the size of one dataset, the bytes of the whole store, and the number of
 * unfinished uploads are checked by {@code StartUpload} before any byte is sent. A new upload reserves
 * its whole announced size until it finishes, fails or expires, so uploads running side by side can never
 * overfill the store together. Refusals are {@code RESOURCE_EXHAUSTED}, naming the limit and its setting.
 *
 * <p><b>In use.</b> A job refers to stored bytes by hash (names are pinned at submission); a tenant's
 * deletion is refused while a job of that tenant which has not finished refers to them ({@link
 * io.ringmaster.coordinator.datasets.DatasetUsage}). Bytes no tenant holds any more are deleted once no job
 * uses them ({@link io.ringmaster.coordinator.datasets.DatasetStore#collectUnheld}, run with the sweep).
 */
package io.ringmaster.coordinator.datasets;
