package dev.headroom.scoring.grpc;

import com.google.rpc.Code;
import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.scoring.v1.CategoryWeight;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.ModelQuality;
import dev.headroom.api.scoring.v1.ModelSource;
import dev.headroom.api.scoring.v1.ModelStatus;
import dev.headroom.api.scoring.v1.RescoreProgress;
import dev.headroom.scoring.db.ModelDao.ModelRow;
import dev.headroom.scoring.domain.ScoreCategory;
import java.time.OffsetDateTime;

/** Stored model versions → proto. */
public final class ModelProtos {
  private ModelProtos() {}

  public static Model model(ModelRow r) {
    Model.Builder b =
        Model.newBuilder()
            .setVersion(r.version())
            .setStatus(ModelStatus.valueOf("MODEL_STATUS_" + r.status()))
            .setSource(ModelSource.valueOf("MODEL_SOURCE_" + r.source()))
            .addWeights(weight(ScoreCategory.CAPACITY_UTILIZATION, r.capacityPoints()))
            .addWeights(weight(ScoreCategory.FEATURE_READINESS, r.featurePoints()))
            .addWeights(weight(ScoreCategory.ENGAGEMENT_INTENSITY, r.engagementPoints()))
            .addWeights(weight(ScoreCategory.GROWTH_TRAJECTORY, r.growthPoints()))
            .addWeights(weight(ScoreCategory.VALUE_REALIZATION, r.valuePoints()))
            .setPremiumAttemptsForFullPoints(r.premiumAttemptsForFullPoints())
            .setGrowthPointsPerNewUser(r.growthPointsPerNewUser())
            .setExpectedWorkflowsPerSeat(r.expectedWorkflowsPerSeat())
            .setFieldSalesArrThreshold(
                dev.headroom.api.common.v1.Money.newBuilder()
                    .setCurrencyCode(r.fieldSalesThresholdCurrency())
                    .setMinorUnits(r.fieldSalesThresholdMinor()))
            .setDescription(r.description());
    if (r.qualityAuc() != null) {
      b.setQuality(
          ModelQuality.newBuilder()
              .setAuc(r.qualityAuc())
              .setLogLoss(r.qualityLogLoss())
              .setHoldoutSize(r.qualityHoldoutSize())
              .setHoldoutPositives(r.qualityHoldoutPositives()));
    }
    if (r.activeQualityAuc() != null) {
      b.setActiveModelQuality(
          ModelQuality.newBuilder()
              .setAuc(r.activeQualityAuc())
              .setLogLoss(r.activeQualityLogLoss())
              .setHoldoutSize(r.activeQualityHoldoutSize())
              .setHoldoutPositives(r.activeQualityHoldoutPositives()));
    }
    if (r.createdAt() != null) {
      b.setCreatedAt(ts(r.createdAt()));
    }
    if (r.activatedAt() != null) {
      b.setActivatedAt(ts(r.activatedAt()));
    }
    if (r.rescoreStartedAt() != null) {
      RescoreProgress.Builder p =
          RescoreProgress.newBuilder()
              .setAccountsTotal(r.rescoreTotal() == null ? 0 : r.rescoreTotal())
              .setAccountsDone(r.rescoreDone() == null ? 0 : r.rescoreDone())
              .setStartedAt(ts(r.rescoreStartedAt()));
      if (r.rescoreFinishedAt() != null) {
        p.setFinishedAt(ts(r.rescoreFinishedAt()));
      }
      b.setRescore(p);
    }
    return b.build();
  }

  public static ItemError warning(String field, String description) {
    return ItemError.newBuilder()
        .setCode(Code.OK.getNumber())
        .setReason(ErrorReason.ERROR_REASON_UNSPECIFIED)
        .setField(field)
        .setDescription(description)
        .build();
  }

  private static CategoryWeight weight(ScoreCategory c, int points) {
    return CategoryWeight.newBuilder()
        .setCategory(ScoreProtos.category(c))
        .setMaxPoints(points)
        .build();
  }

  private static com.google.protobuf.Timestamp ts(OffsetDateTime t) {
    return ScoreProtos.ts(t.toInstant());
  }
}
