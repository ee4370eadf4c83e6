package dev.headroom.scoring.mapping;

import com.google.rpc.Code;
import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.scoring.v1.CategoryWeight;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.ModelQuality;
import dev.headroom.api.scoring.v1.ModelSource;
import dev.headroom.api.scoring.v1.ModelStatus;
import dev.headroom.api.scoring.v1.RescoreProgress;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoringModel;
import dev.headroom.scoring.domain.learning.FitWarning;
import dev.headroom.scoring.service.ModelVersion;

/** Model versions → proto. */
public final class ModelProtos {
  private ModelProtos() {}

  public static Model model(ModelVersion v) {
    ScoringModel m = v.model();
    Model.Builder b =
        Model.newBuilder()
            .setVersion(m.version())
            .setStatus(ModelStatus.valueOf("MODEL_STATUS_" + v.status().name()))
            .setSource(ModelSource.valueOf("MODEL_SOURCE_" + v.source().name()))
            .setPremiumAttemptsForFullPoints(m.premiumAttemptsForFullPoints())
            .setGrowthPointsPerNewUser(m.growthPointsPerNewUser())
            .setExpectedWorkflowsPerSeat(m.expectedWorkflowsPerSeat())
            .setFieldSalesArrThreshold(
                ScoreProtos.money(
                    new Money(v.fieldSalesThresholdCurrency(), m.fieldSalesArrThresholdMinor())))
            .setDescription(v.description());
    for (ScoreCategory c : ScoreCategory.values()) {
      b.addWeights(
          CategoryWeight.newBuilder()
              .setCategory(ScoreProtos.category(c))
              .setMaxPoints(m.maxPoints(c)));
    }
    v.quality().ifPresent(q -> b.setQuality(quality(q)));
    v.activeModelQuality().ifPresent(q -> b.setActiveModelQuality(quality(q)));
    v.createdAt().ifPresent(t -> b.setCreatedAt(ScoreProtos.ts(t)));
    v.activatedAt().ifPresent(t -> b.setActivatedAt(ScoreProtos.ts(t)));
    v.rescore()
        .ifPresent(
            r -> {
              RescoreProgress.Builder p =
                  RescoreProgress.newBuilder()
                      .setAccountsTotal(r.accountsTotal())
                      .setAccountsDone(r.accountsDone())
                      .setStartedAt(ScoreProtos.ts(r.startedAt()));
              r.finishedAt().ifPresent(t -> p.setFinishedAt(ScoreProtos.ts(t)));
              b.setRescore(p);
            });
    return b.build();
  }

  public static ItemError warning(FitWarning w) {
    return ItemError.newBuilder()
        .setCode(Code.OK.getNumber())
        .setReason(ErrorReason.ERROR_REASON_UNSPECIFIED)
        .setField(w.field())
        .setDescription(w.description())
        .build();
  }

  private static ModelQuality quality(dev.headroom.scoring.domain.learning.ModelQuality q) {
    return ModelQuality.newBuilder()
        .setAuc(q.auc())
        .setLogLoss(q.logLoss())
        .setHoldoutSize(q.holdoutSize())
        .setHoldoutPositives(q.holdoutPositives())
        .build();
  }
}
