package io.ringmaster.job.data;

import io.ringmaster.job.data.DatasetException.Source;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Up-front check of a dataset's files for the coordinator, before any worker starts: reads the headers,
 * the labels and (for CSV) every line, but keeps no features. IDX images are not decompressed in the
 * normal case (the gzip trailer gives their length), so probing Fashion-MNIST takes a fraction of a
 * second. Problems come back as {@link Violation}s whose field is the spec path of the culprit, e.g.
 * {@code spec.data.train.labels}.
 */
public final class DataProbe {
  private DataProbe() {}

  /**
   * Probes one dataset.
   *
   * @param fieldPath spec path of the dataset, e.g. {@code spec.data.train}
   */
  public static ProbeResult probe(String fieldPath, DatasetRef ref) {
    if (ref == null) {
      return ProbeResult.invalid(List.of(new Violation(fieldPath, "missing: give path (and labels for IDX)")));
    }
    if (ref.format() == DatasetRef.Format.IDX) {
      return probeIdx(fieldPath, ref);
    }
    try {
      return ProbeResult.ok(CsvReader.probe(ref.path(), ref.labelColumn()));
    } catch (DatasetException e) {
      return ProbeResult.invalid(List.of(violation(fieldPath, e)));
    }
  }

  /**
   * Whether a test set fits a model trained on {@code train}: same number of features per sample, and
   * no test label beyond the training classes (the model has one output per training class).
   *
   * @param testField spec path of the test set, e.g. {@code spec.data.test}
   */
  public static List<Violation> checkCompatible(String testField, DatasetInfo train, DatasetInfo test) {
    List<Violation> v = new ArrayList<>();
    if (train.features() != test.features()) {
      v.add(new Violation(testField, test.features() + " features per sample (" + shape(test)
          + ") but the training set has " + train.features() + " (" + shape(train)
          + "); give a test set with the same columns or image size"));
    }
    if (test.classes() > train.classes()) {
      v.add(new Violation(testField, "labels go up to " + (test.classes() - 1) + " but the training labels only to "
          + (train.classes() - 1) + ": the model has " + train.classes() + " outputs, one per training class"));
    }
    return v;
  }

  /** Probes the images and the labels separately so both can be reported at once. */
  private static ProbeResult probeIdx(String fieldPath, DatasetRef ref) {
    List<Violation> v = new ArrayList<>();
    IdxReader.ImagesHeader h = null;
    int[] labels = null;
    try {
      h = IdxReader.probeImages(ref.path());
    } catch (DatasetException e) {
      v.add(violation(fieldPath, e));
    }
    try {
      labels = IdxReader.readLabels(ref.labelsPath());
    } catch (DatasetException e) {
      v.add(violation(fieldPath, e));
    }
    if (h != null && labels != null && labels.length != h.samples()) {
      v.add(new Violation(fieldPath + "." + Source.LABELS.field(), labels.length + " labels but " + h.samples()
          + " images in " + ref.path() + "; give the labels file that belongs to these images"));
    }
    if (!v.isEmpty()) {
      return ProbeResult.invalid(v);
    }
    return ProbeResult.ok(new DatasetInfo(h.samples(), 1, h.rows(), h.cols(), Labels.classes(labels)));
  }

  private static Violation violation(String fieldPath, DatasetException e) {
    return new Violation(fieldPath + "." + e.source().field(), e.getMessage());
  }

  private static String shape(DatasetInfo i) {
    return i.channels() + "x" + i.height() + "x" + i.width();
  }
}
