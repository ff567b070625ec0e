#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "scenario.h"

namespace gw::nvmlsim {
namespace {

TEST(CurveTest, AbsentByDefault) {
  Curve curve;
  EXPECT_FALSE(curve.present());
  EXPECT_EQ(curve.kind(), Curve::Kind::kAbsent);
}

TEST(CurveTest, ConstantIsTheSameAtAnyTime) {
  Curve curve = Curve::Constant(42.5);
  EXPECT_TRUE(curve.present());
  EXPECT_DOUBLE_EQ(curve.At(-1000), 42.5);
  EXPECT_DOUBLE_EQ(curve.At(0), 42.5);
  EXPECT_DOUBLE_EQ(curve.At(int64_t{1} << 50), 42.5);
}

TEST(CurveTest, StepsTakeTheLastStepAtOrBeforeT) {
  Curve curve = Curve::Steps({{1000, 10}, {30000, 95}, {60000, 0}});
  EXPECT_DOUBLE_EQ(curve.At(0), 10);  // before the first step: the first value
  EXPECT_DOUBLE_EQ(curve.At(1000), 10);
  EXPECT_DOUBLE_EQ(curve.At(29999), 10);
  EXPECT_DOUBLE_EQ(curve.At(30000), 95);
  EXPECT_DOUBLE_EQ(curve.At(59999), 95);
  EXPECT_DOUBLE_EQ(curve.At(60000), 0);
  EXPECT_DOUBLE_EQ(curve.At(1'000'000), 0);
}

TEST(CurveTest, RampInterpolatesAndClamps) {
  Curve curve = Curve::Ramp({{10000, 0}, {60000, 100}, {70000, 50}});
  EXPECT_DOUBLE_EQ(curve.At(0), 0);
  EXPECT_DOUBLE_EQ(curve.At(10000), 0);
  EXPECT_DOUBLE_EQ(curve.At(35000), 50);
  EXPECT_DOUBLE_EQ(curve.At(60000), 100);
  EXPECT_DOUBLE_EQ(curve.At(65000), 75);
  EXPECT_DOUBLE_EQ(curve.At(90000), 50);
}

TEST(CurveTest, RampWithTwoPointsAtOneTimeJumps) {
  Curve curve = Curve::Ramp({{0, 0}, {10000, 100}, {10000, 0}, {20000, 0}});
  EXPECT_DOUBLE_EQ(curve.At(5000), 50);
  EXPECT_DOUBLE_EQ(curve.At(10000), 100);
  EXPECT_DOUBLE_EQ(curve.At(10001), 0);
}

TEST(CurveTest, SineFollowsMeanAmplitudePeriod) {
  Curve curve = Curve::Sine(50, 40, 60000);
  EXPECT_NEAR(curve.At(0), 50, 1e-9);
  EXPECT_NEAR(curve.At(15000), 90, 1e-9);
  EXPECT_NEAR(curve.At(30000), 50, 1e-9);
  EXPECT_NEAR(curve.At(45000), 10, 1e-9);
  EXPECT_NEAR(curve.At(60000 * 1000 + 15000), 90, 1e-9);
  EXPECT_NEAR(curve.At(10000), 50 + 40 * std::sin(std::numbers::pi / 3), 1e-9);
}

SimGpu GpuWithPower(Curve power, std::optional<double> start_mj) {
  SimGpu gpu;
  gpu.power_w = std::move(power);
  gpu.energy_start_mj = start_mj;
  return gpu;
}

TEST(EnergyTest, ConstantPowerIsWattsTimesMilliseconds) {
  SimGpu gpu = GpuWithPower(Curve::Constant(300), 1000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 0), 1000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, -5000), 1000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 2000), 1000 + 600'000);  // 300 W for 2 s = 600 J
}

TEST(EnergyTest, StepsAreExact) {
  // 100 W until 10 s, then 200 W; the first value also holds before the first step.
  SimGpu gpu = GpuWithPower(Curve::Steps({{5000, 100}, {10000, 200}}), std::nullopt);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 10000), 1'000'000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 15000), 1'000'000 + 1'000'000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 7500), 750'000);
}

TEST(EnergyTest, RampsAreExact) {
  SimGpu gpu = GpuWithPower(Curve::Ramp({{10000, 100}, {20000, 300}}), 0);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 10000), 1'000'000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 20000), 1'000'000 + 2'000'000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 15000), 1'000'000 + 750'000);
  EXPECT_EQ(IntegrateEnergyMj(gpu, 30000), 3'000'000 + 3'000'000);
}

TEST(EnergyTest, SineOverWholePeriodsIsMeanTimesTime) {
  SimGpu gpu = GpuWithPower(Curve::Sine(200, 100, 60000), 5);
  EXPECT_NEAR(IntegrateEnergyMj(gpu, 120000), 5 + 200 * 120000, 2);
  // Over the first quarter: mean*t + a*p/(2*pi).
  double quarter = 200 * 15000 + 100 * 60000 / (2 * std::numbers::pi);
  EXPECT_NEAR(IntegrateEnergyMj(gpu, 15000), 5 + quarter, 2);
}

TEST(EnergyTest, SineAgreesWithNumericIntegration) {
  SimGpu gpu = GpuWithPower(Curve::Sine(300, 250, 7000), 0);
  double numeric = 0;
  for (int64_t t = 0; t < 23456; ++t) numeric += gpu.power_w.At(t) + 0.0;
  EXPECT_NEAR(static_cast<double>(IntegrateEnergyMj(gpu, 23456)), numeric, numeric * 1e-3);
}

TEST(EnergyTest, WithoutPowerOnlyTheStartCounts) {
  SimGpu gpu;
  gpu.energy_start_mj = 1234;
  EXPECT_EQ(IntegrateEnergyMj(gpu, 100000), 1234);
}

}  // namespace
}  // namespace gw::nvmlsim
