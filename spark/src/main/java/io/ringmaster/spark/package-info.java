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
 * A task given GPUs binds its worker to the first one's CUDA device ({@link TaskGpus}).
 *
 * <p>The same run, {@link BarrierJob}, serves three entry points: {@code spark-submit}'s {@link
 * RingmasterSparkMain} (flags, or a job file with {@code --job}; Parquet, CSV, LIBSVM or IDX data read into
 * DataFrames by {@link TrainingFrames}), and the Deeplearning4j Spark drop-in {@link RingmasterTrainingMaster}
 * ({@code SparkDl4jMultiLayer.fit}: one job of one epoch per call over a {@code JavaRDD<DataSet>}, continuing
 * the driver's network from {@link ModelStart} and writing the result back). The drop-in converts an RDD's
 * DataSets once ({@link DataSetRows}, one {@link DataSetBlock} per worker's partition) and keeps them cached
 * across its {@code fit}s ({@link ConvertedRows}), and runs all its jobs on one {@link DriverCoordinator};
 * {@link FitTimings} logs where each {@code fit}'s time went.
 * With {@code --coordinator HOST:PORT}, {@link RemoteSubmission} instead uploads the prepared data to a running
 * coordinator and submits the job there, over the CLI's kind of channel ({@link RemoteCoordinator}: TLS from
 * {@code --tls-ca}, the client token from {@code RINGMASTER_TOKEN} or the config file).
 *
 * <p>Security of the application's own channels ({@link SparkTls}): with {@code --tls-cert/--tls-key/--tls-ca}
 * (the drop-in: {@code Builder.tls}) the embedded coordinator, the tasks' workers and their rings use TLS, each
 * file read where the process runs or from {@code spark.files}; plaintext beyond loopback needs {@code
 * --insecure} ({@code Builder.insecure()}), so a cluster without either refuses to start. The drop-in's optional
 * test set ({@code Builder.testData}) is dealt to the workers beside the training data, zipped into each worker's
 * block ({@link TrainAndTestDataSets}) and kept with the training rows, and evaluated every epoch.
 */
package io.ringmaster.spark;
