// PageLedger: the resume cursor never passes a page whose batches are not all written.
#include <gtest/gtest.h>

#include "jobs/maintenance/embedding_batches.h"

namespace vigil {
namespace {

using Ids = std::vector<std::string>;

TEST(PageLedger, APageIsFinishedWhenEachOfItsBatchesIsDone) {
  PageLedger ledger;
  size_t page = ledger.Open("50", 2);
  ledger.Done(page);
  EXPECT_EQ(ledger.TakeFinished(), Ids{});
  ledger.Done(page);
  EXPECT_EQ(ledger.TakeFinished(), Ids{"50"});
  EXPECT_EQ(ledger.TakeFinished(), Ids{}) << "each page once";
}

TEST(PageLedger, APageWithNothingToEmbedWaitsForTheUnfinishedPagesBeforeIt) {
  PageLedger ledger;
  size_t first = ledger.Open("50", 1);
  ledger.Open("100", 0);
  EXPECT_EQ(ledger.TakeFinished(), Ids{});
  ledger.Done(first);
  EXPECT_EQ(ledger.TakeFinished(), (Ids{"50", "100"}));
}

TEST(PageLedger, ASplitBatchKeepsItsPageOpenUntilBothHalvesAreDone) {
  PageLedger ledger;
  size_t page = ledger.Open("50", 1);
  ledger.Split(page);
  ledger.Done(page);
  EXPECT_EQ(ledger.TakeFinished(), Ids{});
  ledger.Done(page);
  EXPECT_EQ(ledger.TakeFinished(), Ids{"50"});
}

TEST(PageLedger, PageNumbersStayValidAfterEarlierPagesAreTaken) {
  PageLedger ledger;
  ledger.Done(ledger.Open("1", 1));
  EXPECT_EQ(ledger.TakeFinished(), Ids{"1"});
  size_t second = ledger.Open("2", 1);
  ledger.Done(second);
  EXPECT_EQ(ledger.TakeFinished(), Ids{"2"});
}

}  // namespace
}  // namespace vigil
