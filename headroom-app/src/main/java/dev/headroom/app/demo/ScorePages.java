package dev.headroom.app.demo;

import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import java.util.ArrayList;
import java.util.List;

/** Every score {@code ListScores} returns for a filter, page after page. */
final class ScorePages {
  private ScorePages() {}

  static List<Score> all(ScoringServiceBlockingStub scoring, ListScoresRequest.Builder filter) {
    List<Score> scores = new ArrayList<>();
    for (ListScoresResponse page :
        Pages.all(
            token -> scoring.listScores(filter.setPageSize(1000).setPageToken(token).build()),
            ListScoresResponse::getNextPageToken)) {
      scores.addAll(page.getScoresList());
    }
    return scores;
  }
}
