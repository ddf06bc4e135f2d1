/**
 * Ringmaster on Apache Spark: {@code spark-submit --class io.ringmaster.spark.RingmasterSparkMain} trains
 * where the data lives.
 *
 * <p>How a run goes: the driver reads the training and test sets as DataFrames ({@link TrainingFrames}),
 * tags and unions them and repartitions the union into one partition per worker. It starts an embedded
 * coordinator whose scheduler launches nothing ({@link BarrierStageScheduler}), submits the job with the
 * datasets' shapes (the coordinator cannot read the files itself), broadcasts the coordinator's address
 * and the job id ({@link TaskEndpoint}), and runs ONE barrier stage over the partitions ({@link
 * BarrierStage}): all tasks start together or not at all. Each task ({@link BarrierWorkerTask}) reads its
 * rows into memory, learns every partition's size with {@code BarrierTaskContext.allGather}, and hosts an
 * in-process {@code WorkerRuntime} that attaches to the coordinator with the job id and its partition id
 * as slot (so rank = partition id) and trains on {@link PartitionData}: its own rows, planned by {@code
 * PartitionPlan}. The driver logs each epoch's metrics ({@link EpochLines}) and rank 0 saves the model to
 * {@code --output}. A task failure fails the stage (Spark relaunches barrier stages as a whole).
 *
 * <p>Before anything starts, {@link SparkPreflight} refuses what a barrier stage cannot do: dynamic
 * allocation, GPUs per executor without GPUs per task, and more workers than the cluster has task slots.
 */
package io.ringmaster.spark;
