// One thread per destination, each with its own queue, so a slow or dead destination delays
// only itself. Batches are retried in place: alerts queued behind a failing batch wait, and the
// oldest are dropped once the queue is full, as in Prometheus' notifier.
#include "rules/notifier.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "common/logging.h"
#include "http/client.h"
#include "rules/notifier_format.h"

namespace gw::rules {
namespace {

using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

enum class Kind { kAlertmanager, kWebhook };
enum class Outcome { kSent, kRetry, kRefused };

struct Destination {
  Kind kind = Kind::kAlertmanager;
  std::string name;      // the destination label: the URL as configured, without its query
  std::string post_url;  // where the bodies go

  std::mutex mu;
  std::condition_variable cv;       // a new alert, or Stop
  std::deque<NotifierAlert> queue;  // guarded by mu
  bool stopping = false;            // guarded by mu
  SteadyTime deadline;              // guarded by mu; Stop's, once stopping
  std::thread thread;

  std::atomic<uint64_t> sent{0};     // alerts acknowledged with 2xx
  std::atomic<uint64_t> errors{0};   // alerts in failed attempts, once per attempt
  std::atomic<uint64_t> dropped{0};  // alerts given up on
  std::atomic<uint64_t> queued{0};   // queue.size(), readable without mu
};

std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

Outcome Classify(const StatusOr<http::ClientResponse>& response) {
  if (!response.ok()) return Outcome::kRetry;  // unreachable, timed out, garbled answer
  const int code = response->status;
  if (code >= 200 && code < 300) return Outcome::kSent;
  // 429 asks to come back later; other 4xx (and 3xx: redirects are not followed) would be
  // refused again.
  if (code >= 500 || code == 429) return Outcome::kRetry;
  return Outcome::kRefused;
}

std::string Describe(const StatusOr<http::ClientResponse>& response) {
  if (!response.ok()) return response.status().ToString();
  std::string body = response->body.substr(0, 200);
  return "HTTP " + std::to_string(response->status) + (body.empty() ? "" : ": " + body);
}

class NotifierImpl final : public Notifier {
 public:
  NotifierImpl(NotifierOptions options, const Clock* clock)
      : options_(std::move(options)), clock_(clock) {}
  ~NotifierImpl() override { Stop(milliseconds(0)); }

  Status AddDestination(Kind kind, const std::string& url);
  void StartThreads();

  void Send(std::vector<NotifierAlert> alerts) override;
  void AppendMetrics(std::vector<metrics::MetricFamily>& out) const override;
  void Stop(milliseconds deadline) override;

 private:
  void Run(Destination& d);
  // Takes the next batch into `batch`; false when the thread should end.
  bool NextBatch(Destination& d, std::vector<NotifierAlert>& batch);
  void Deliver(Destination& d, const std::vector<NotifierAlert>& batch);
  // The request timeout, cut to what is left of Stop's deadline; 0 when it has passed.
  milliseconds RequestTimeout(Destination& d);
  // Sleeps for the backoff unless Stop wakes it with a deadline the backoff would overrun.
  // False when the batch should be given up.
  bool WaitBackoff(Destination& d, milliseconds backoff);

  const NotifierOptions options_;
  const Clock* const clock_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  std::once_flag stopped_;
};

Status NotifierImpl::AddDestination(Kind kind, const std::string& url) {
  const std::string_view what = kind == Kind::kAlertmanager ? "alertmanager" : "webhook";
  std::string post_url = url;
  if (kind == Kind::kAlertmanager) {
    while (!post_url.empty() && post_url.back() == '/') post_url.pop_back();
    post_url += "/api/v2/alerts";
  }
  if (auto parsed = http::ParseUrl(post_url); !parsed.ok()) {
    return parsed.status().WithContext("notifier: " + std::string(what) + " URL");
  }
  for (const auto& d : destinations_) {
    if (d->kind == kind && d->post_url == post_url) return Status::Ok();  // listed twice
  }
  auto d = std::make_unique<Destination>();
  d->kind = kind;
  d->name = WithoutQuery(url);
  d->post_url = std::move(post_url);
  destinations_.push_back(std::move(d));
  return Status::Ok();
}

void NotifierImpl::StartThreads() {
  for (auto& d : destinations_) d->thread = std::thread([this, p = d.get()] { Run(*p); });
}

void NotifierImpl::Send(std::vector<NotifierAlert> alerts) {
  if (alerts.empty()) return;
  for (NotifierAlert& a : alerts) a.labels = WithExternalLabels(a.labels, options_.external_labels);
  const size_t capacity = std::max<size_t>(options_.queue_capacity, 1);
  for (auto& d : destinations_) {
    std::lock_guard lock(d->mu);
    if (d->stopping) {
      d->dropped += alerts.size();
      continue;
    }
    d->queue.insert(d->queue.end(), alerts.begin(), alerts.end());
    if (d->queue.size() > capacity) {
      const size_t excess = d->queue.size() - capacity;
      d->queue.erase(d->queue.begin(), d->queue.begin() + static_cast<ptrdiff_t>(excess));
      d->dropped += excess;
    }
    d->queued = d->queue.size();
    d->cv.notify_one();
  }
}

void NotifierImpl::Stop(milliseconds deadline) {
  std::call_once(stopped_, [&] {
    const SteadyTime until = std::chrono::steady_clock::now() + deadline;
    for (auto& d : destinations_) {
      std::lock_guard lock(d->mu);
      d->stopping = true;
      d->deadline = until;
      d->cv.notify_all();
    }
    for (auto& d : destinations_) {
      if (d->thread.joinable()) d->thread.join();
    }
  });
}

void NotifierImpl::Run(Destination& d) {
  std::vector<NotifierAlert> batch;
  while (NextBatch(d, batch)) {
    // A thread's top-level guard: nothing here should throw, but an escaping exception would
    // end the process.
    try {
      Deliver(d, batch);
    } catch (const std::exception& e) {
      GW_LOG_ERROR("notifier: {}: dropping {} alerts: {}", d.name, batch.size(), e.what());
      d.dropped += batch.size();
    }
  }
}

bool NotifierImpl::NextBatch(Destination& d, std::vector<NotifierAlert>& batch) {
  batch.clear();
  std::unique_lock lock(d.mu);
  d.cv.wait(lock, [&] { return !d.queue.empty() || d.stopping; });
  if (d.stopping && std::chrono::steady_clock::now() >= d.deadline) {
    d.dropped += d.queue.size();
    d.queue.clear();
  }
  if (d.queue.empty()) {
    d.queued = 0;
    return false;  // only reached when stopping
  }
  const size_t n = std::min(std::max<size_t>(options_.max_batch, 1), d.queue.size());
  const auto end = d.queue.begin() + static_cast<ptrdiff_t>(n);
  batch.assign(std::make_move_iterator(d.queue.begin()), std::make_move_iterator(end));
  d.queue.erase(d.queue.begin(), end);
  d.queued = d.queue.size();
  return true;
}

void NotifierImpl::Deliver(Destination& d, const std::vector<NotifierAlert>& batch) {
  const uint64_t n = batch.size();
  const std::string body = d.kind == Kind::kAlertmanager
                               ? AlertmanagerBody(batch)
                               : WebhookBody(batch, options_.external_url, clock_->NowMs());
  const std::map<std::string, std::string> headers = {{"Content-Type", "application/json"},
                                                      {"User-Agent", "gpuwatchdog-hub"}};
  milliseconds backoff = options_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    const milliseconds timeout = RequestTimeout(d);
    if (timeout.count() <= 0) break;
    const auto response = http::HttpRequest("POST", d.post_url, headers, body, timeout);
    const Outcome outcome = Classify(response);
    if (outcome == Outcome::kSent) {
      d.sent += n;
      return;
    }
    d.errors += n;
    GW_LOG_WARN("notifier: {}: attempt {} of {} with {} alerts failed: {}", d.name, attempt,
                options_.max_attempts, n, Describe(response));
    if (outcome == Outcome::kRefused || attempt >= options_.max_attempts) break;
    if (!WaitBackoff(d, backoff)) break;
    backoff = std::min(backoff * 2, std::max(options_.max_backoff, options_.initial_backoff));
  }
  d.dropped += n;
}

void NotifierImpl::AppendMetrics(std::vector<metrics::MetricFamily>& out) const {
  if (destinations_.empty()) return;  // no family without a series to show
  using metrics::MetricType;
  auto family = [&](std::string name, MetricType type, std::string help,
                    const std::atomic<uint64_t> Destination::*value) {
    metrics::MetricFamily f{.name = std::move(name), .help = std::move(help), .type = type};
    for (const auto& d : destinations_) {
      f.samples.push_back({{{"destination", d->name}}, static_cast<double>((*d.*value).load())});
    }
    out.push_back(std::move(f));
  };
  family("gw_notifications_sent_total", MetricType::kCounter,
         "Alerts acknowledged with 2xx by an Alertmanager or webhook.", &Destination::sent);
  family("gw_notifications_errors_total", MetricType::kCounter,
         "Alerts in requests that failed (no answer, or not 2xx), once per attempt.",
         &Destination::errors);
  family("gw_notifications_dropped_total", MetricType::kCounter,
         "Alerts never delivered: pushed out of a full queue, refused with 4xx, out of attempts, "
         "or still queued when the notifier stopped.",
         &Destination::dropped);
  family("gw_notifications_queue_length", MetricType::kGauge,
         "Alerts waiting to be sent, not counting the batch in flight.", &Destination::queued);
}

milliseconds NotifierImpl::RequestTimeout(Destination& d) {
  std::lock_guard lock(d.mu);
  if (!d.stopping) return options_.timeout;
  const auto left =
      std::chrono::duration_cast<milliseconds>(d.deadline - std::chrono::steady_clock::now());
  return std::min(options_.timeout, left);
}

bool NotifierImpl::WaitBackoff(Destination& d, milliseconds backoff) {
  const SteadyTime until = std::chrono::steady_clock::now() + backoff;
  std::unique_lock lock(d.mu);
  // No retry could start before Stop's deadline: give up now rather than at the deadline.
  const auto hopeless = [&] { return d.stopping && d.deadline < until; };
  d.cv.wait_until(lock, until, hopeless);
  return !hopeless();
}

}  // namespace

StatusOr<std::unique_ptr<Notifier>> Notifier::Start(const NotifierOptions& options,
                                                    const Clock* clock) {
  auto notifier = std::make_unique<NotifierImpl>(options, clock);
  for (const std::string& url : options.alertmanager_urls) {
    GW_RETURN_IF_ERROR(notifier->AddDestination(Kind::kAlertmanager, url));
  }
  for (const std::string& url : options.webhook_urls) {
    GW_RETURN_IF_ERROR(notifier->AddDestination(Kind::kWebhook, url));
  }
  notifier->StartThreads();
  return std::unique_ptr<Notifier>(std::move(notifier));
}

}  // namespace gw::rules
