package io.ringmaster.worker.engine;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Marks the forward/backward boundary of a {@link StepPhases} split from inside DL4J: DL4J calls
 * {@code onForwardPass} between the forward pass and backpropagation of {@code computeGradientAndScore}, and
 * {@code onBackwardPass} after the gradient and the loss. Plain {@code net.fit} also calls
 * {@code iterationDone} after the updater, which ends the {@code UPDATE} phase and the step (when
 * {@code fitEndsSteps}). It reads nothing from the network; DL4J only calls listeners when there are any,
 * so a network without it pays nothing.
 */
public final class StepPhaseListener extends BaseTrainingListener {
  private final StepPhases phases;
  private final boolean fitEndsSteps;

  /**
   * @param fitEndsSteps true for plain {@code net.fit} loops: {@code iterationDone} ends the update and the
   *     step; false for {@link Replica}, whose caller ends its steps
   */
  public StepPhaseListener(StepPhases phases, boolean fitEndsSteps) {
    this.phases = phases;
    this.fitEndsSteps = fitEndsSteps;
  }

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {
    phases.end(StepPhases.Phase.FORWARD);
  }

  @Override
  public void onForwardPass(Model model, Map<String, INDArray> activations) {
    phases.end(StepPhases.Phase.FORWARD);
  }

  @Override
  public void onBackwardPass(Model model) {
    phases.end(StepPhases.Phase.BACKWARD);
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    if (fitEndsSteps) {
      phases.end(StepPhases.Phase.UPDATE);
      phases.endStep();
    }
  }
}
