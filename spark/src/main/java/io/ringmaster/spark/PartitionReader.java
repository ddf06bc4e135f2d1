package io.ringmaster.spark;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns the elements of one partition into a task's rows ({@link PartitionRows}); shipped to the
 * executors with the barrier stage's function. Two kinds of input exist: the normalised DataFrame rows of
 * {@code spark-submit} ({@link TrainingFrames}, train and test rows tagged) and DL4J {@code DataSet}s
 * (the drop-in, {@link DataSetRows}: training rows only).
 *
 * @param <T> the partition's element type
 */
@FunctionalInterface
interface PartitionReader<T> extends Serializable {
  PartitionRows read(Iterator<T> elements);
}
