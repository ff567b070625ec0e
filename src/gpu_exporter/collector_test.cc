#include "gpu_exporter/collector.h"

#include <gtest/gtest.h>

#include "gpu_exporter/fake_backend.h"

namespace gw::gpu_exporter {
namespace {

using nvml::GpuField;

std::string NoGzip(std::string_view d) { return std::string(d); }

class CollectorTest : public ::testing::Test {
 protected:
  CollectorTest() : cache_(&NoGzip) {
    for (unsigned i = 0; i < 3; ++i) {
      backend_.gpus.push_back(
          nvml::GpuStatic{i, i, "GPU-" + std::to_string(i), "H100", "", {}, {}, {}, {}});
      nvml::GpuReading r;
      r.Set(GpuField::kGpuUtilPercent, 50 + i);
      backend_.readings[i] = r;
    }
  }
  std::unique_ptr<Collector> Make() {
    return std::make_unique<Collector>(&backend_, &xids_, nullptr, &cache_, &clock_,
                                       CollectorOptions{"node1", 1000, 30'000});
  }
  FakeBackend backend_;
  XidCounts xids_;
  metrics::ExpositionCache cache_;
  FakeClock clock_;
};

TEST_F(CollectorTest, ReadsEveryGpuAndPublishes) {
  auto c = Make();
  c->CollectOnce();
  ASSERT_TRUE(c->state().nvml_up);
  ASSERT_EQ(c->state().gpus.size(), 3u);
  EXPECT_EQ(c->state().gpus[2].reading->Get(GpuField::kGpuUtilPercent), 52);
  std::string page = *cache_.Get(metrics::ExpositionFormat::kPrometheusText, false);
  EXPECT_NE(page.find("DCGM_FI_DEV_GPU_UTIL{gpu=\"2\",UUID=\"GPU-2\""), std::string::npos);
}

TEST_F(CollectorTest, NoDriverRetriesWithBackoffAndRecovers) {
  backend_.init_status = UnavailableError("cannot load libnvidia-ml.so.1");
  auto c = Make();
  c->CollectOnce();
  EXPECT_FALSE(c->state().nvml_up);
  EXPECT_EQ(backend_.init_calls, 1);
  c->CollectOnce();  // within the backoff: no new attempt
  EXPECT_EQ(backend_.init_calls, 1);
  clock_.AdvanceMs(1000);
  c->CollectOnce();
  EXPECT_EQ(backend_.init_calls, 2);
  clock_.AdvanceMs(1000);
  c->CollectOnce();  // the backoff doubled to 2 s
  EXPECT_EQ(backend_.init_calls, 2);
  backend_.init_status = Status::Ok();
  clock_.AdvanceMs(1000);
  c->CollectOnce();
  EXPECT_TRUE(c->state().nvml_up);
  EXPECT_EQ(c->state().gpus.size(), 3u);
}

TEST_F(CollectorTest, LostGpuIsIsolatedAndComesBack) {
  auto c = Make();
  c->CollectOnce();
  nvml::GpuReading lost;
  lost.lost = true;
  lost.errors.push_back({"nvmlDeviceGetUtilizationRates", "NVML_ERROR_GPU_IS_LOST"});
  backend_.readings[1] = lost;
  backend_.open_status[1] =
      UnavailableError("nvmlDeviceGetHandleByIndex_v2: NVML_ERROR_GPU_IS_LOST");
  clock_.AdvanceMs(1000);
  c->CollectOnce();
  EXPECT_TRUE(c->state().gpus[0].reading.has_value());
  EXPECT_FALSE(c->state().gpus[1].reading.has_value());
  EXPECT_TRUE(c->state().gpus[2].reading.has_value());
  EXPECT_EQ(c->state().gpus[1].info->uuid, "GPU-1");  // still labelled for gpu_up 0
  EXPECT_EQ(
      (c->state().nvml_errors.at({"nvmlDeviceGetUtilizationRates", "NVML_ERROR_GPU_IS_LOST"})), 1u);
  EXPECT_TRUE(c->state().nvml_up);
  // It comes back once the driver opens it again.
  backend_.open_status.erase(1);
  nvml::GpuReading ok;
  ok.Set(GpuField::kGpuUtilPercent, 7);
  backend_.readings[1] = ok;
  clock_.AdvanceMs(2000);
  c->CollectOnce();
  ASSERT_TRUE(c->state().gpus[1].reading.has_value());
  EXPECT_EQ(c->state().gpus[1].reading->Get(GpuField::kGpuUtilPercent), 7);
}

TEST_F(CollectorTest, DriverGoneDisconnectsAndReconnects) {
  auto c = Make();
  c->CollectOnce();
  nvml::GpuReading gone;
  gone.driver_gone = true;
  gone.errors.push_back({"nvmlDeviceGetUtilizationRates", "NVML_ERROR_UNKNOWN"});
  for (unsigned i = 0; i < 3; ++i) backend_.readings[i] = gone;
  backend_.init_status = UnavailableError("initialising NVML: NVML_ERROR_DRIVER_NOT_LOADED");
  c->CollectOnce();
  EXPECT_FALSE(c->state().nvml_up);
  EXPECT_TRUE(c->state().gpus.empty());
  backend_.init_status = Status::Ok();
  for (unsigned i = 0; i < 3; ++i) backend_.readings[i] = nvml::GpuReading{};
  clock_.AdvanceMs(5000);
  c->CollectOnce();
  EXPECT_TRUE(c->state().nvml_up);
  EXPECT_EQ(c->state().gpus.size(), 3u);
}

TEST_F(CollectorTest, SaysWhetherTheDriverIsSimulated) {
  auto c = Make();
  c->CollectOnce();
  EXPECT_FALSE(c->state().nvml_simulated);
  std::string page = *cache_.Get(metrics::ExpositionFormat::kPrometheusText, false);
  EXPECT_NE(page.find("\ngpuwatchdog_exporter_nvml_simulated 0\n"), std::string::npos) << page;
  backend_.simulated = true;
  c->CollectOnce();
  EXPECT_TRUE(c->state().nvml_simulated);
  page = *cache_.Get(metrics::ExpositionFormat::kPrometheusText, false);
  EXPECT_NE(page.find("\ngpuwatchdog_exporter_nvml_simulated 1\n"), std::string::npos) << page;
}

TEST_F(CollectorTest, XidCountsAppear) {
  auto c = Make();
  xids_.Record(0, "GPU-0", 79, clock_.NowMs());
  xids_.Record(0, "GPU-0", 79, clock_.NowMs());
  c->CollectOnce();
  ASSERT_EQ(c->state().xids.size(), 1u);
  EXPECT_EQ(c->state().xids[0].count, 2u);
}

}  // namespace
}  // namespace gw::gpu_exporter
