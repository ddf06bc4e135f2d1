/** Training and test datasets: IDX and CSV readers, in-memory datasets, and the probe that checks files. */
package io.ringmaster.job.data;
