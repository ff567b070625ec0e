#include "common/signals.h"

#include <gtest/gtest.h>

#include <csignal>

namespace gw {
namespace {

TEST(SignalWaiterTest, ReportsTerminateAndReload) {
  SignalWaiter waiter;
  EXPECT_EQ(waiter.Wait(std::chrono::milliseconds(10)), SignalEvent::kNone);
  raise(SIGHUP);
  EXPECT_EQ(waiter.Wait(std::chrono::milliseconds(1000)), SignalEvent::kReload);
  raise(SIGTERM);
  EXPECT_EQ(waiter.Wait(std::chrono::milliseconds(1000)), SignalEvent::kTerminate);
  raise(SIGINT);
  EXPECT_EQ(waiter.Wait(std::chrono::milliseconds(1000)), SignalEvent::kTerminate);
}

}  // namespace
}  // namespace gw
