/**
 * Datasets stored on the coordinator, content-addressed, and the {@code DatasetService} that uploads,
 * lists, describes, deletes and serves them (and serves trained models).
 *
 * <p><b>Layout</b> under {@code <dataDir>/datasets/}:
 * <pre>
 * blobs/&lt;sha256&gt;          the bytes, stored once whatever names point at them
 * blobs/&lt;sha256&gt;.meta     the Dataset description (proto) read when the bytes were stored
 * names/&lt;name&gt;            the SHA-256 the name points at (a name moves when other bytes are pushed)
 * uploads/&lt;id&gt;.part       bytes received so far of an unfinished upload
 * uploads/&lt;id&gt;.upload     what the upload announced (name, size, SHA-256)
 * </pre>
 * Every file but {@code .part} is written to a temporary file, fsynced and renamed into place, so a crash
 * never leaves a partial blob or description under its final name.
 *
 * <p><b>An upload's states.</b> {@code StartUpload} either finds the bytes already stored (done: the name
 * now points at them), finds an unfinished upload of the same hash and size (resumed at its offset), or
 * opens a new one at offset 0. {@code UploadChunks} appends from the upload's offset; when the offset
 * reaches the size the file is hashed, described ({@link io.ringmaster.job.data.DataFileDescription}) and
 * moved into {@code blobs/}, or deleted if the hash or the format is wrong. An upload untouched for the
 * store's upload expiry (measured on the injected clock) is deleted by {@link
 * io.ringmaster.coordinator.datasets.DatasetStore#sweepExpired()}, which the coordinator runs periodically.
 *
 * <p><b>Limits</b> ({@link io.ringmaster.coordinator.datasets.DatasetLimits}, coordinator settings
 * {@code datasets.*}): the size of one dataset, the bytes of the whole store, and the number of
 * unfinished uploads are checked by {@code StartUpload} before any byte is sent. A new upload reserves
 * its whole announced size until it finishes, fails or expires, so uploads running side by side can never
 * overfill the store together. Refusals are {@code RESOURCE_EXHAUSTED}, naming the limit and its setting.
 *
 * <p><b>In use.</b> A job refers to stored bytes by hash (names are pinned at submission); deleting bytes
 * that a job which has not finished refers to is refused ({@link
 * io.ringmaster.coordinator.datasets.DatasetUsage}).
 */
package io.ringmaster.coordinator.datasets;
