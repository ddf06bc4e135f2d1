package io.ringmaster.model;

import io.ringmaster.job.spec.UpdaterSpec;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** Maps a job's {@link UpdaterSpec} to the DL4J updater configuration. */
final class Updaters {
  private Updaters() {}

  static IUpdater of(UpdaterSpec spec) {
    return switch (spec.type()) {
      case SGD -> new Sgd(spec.learningRate());
      case NESTEROV -> new Nesterovs(spec.learningRate(), spec.momentum());
      case ADAM -> new Adam(spec.learningRate());
    };
  }
}
