/**
 * A worker's data: the files a job names, made local before they are loaded.
 *
 * <p>{@link io.ringmaster.worker.data.DataFetcher} turns a job's dataset references into files on this
 * machine: a path the worker can read is used as it is (a shared or copied filesystem); a stored dataset
 * (named by SHA-256 in the resolved spec) or a path this worker cannot see (identified by the SHA-256 the
 * coordinator recorded in the job's provenance) is downloaded from the coordinator
 * ({@code DatasetService.DownloadFile}), streamed to a temporary file, checked against its SHA-256 and
 * renamed into the worker's cache, {@code <dataDir>/cache/<sha256>}. Only verified files ever carry a hash
 * name, so a later job on the same bytes reads the cache and fetches nothing. Bytes that do not match
 * their hash fail the load ({@code FAILURE_REASON_DATA_ERROR}) with the hashes in the message.
 *
 * <p>{@link io.ringmaster.worker.data.SpecFileData}, the worker's default {@code WorkerData}, owns the
 * worker's fetcher (one cache for every job the worker runs): it makes each file local, loads it, and checks
 * its shape against what the coordinator validated.
 * <p>{@link io.ringmaster.worker.data.DatasetCache} bounds the cache ({@code ringmaster worker
 * --cache-max-mb}): after every fetch it evicts the files used longest ago, never one pinned by the job
 * this worker runs (the fetcher pins each file it hands a job; the job's runner unpins them when it
 * ends).
 */
package io.ringmaster.worker.data;
