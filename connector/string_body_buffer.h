// A cpprestsdk stream buffer that a response body is written into, straight into the
// std::string the transport hands on. Through cpprestsdk's own container buffer each page
// was zero-filled into a growing byte vector, then copied into a string: two of every three
// bytes touched were the copies' (issue #19).
//
// Write-only: reads, seeks and acquire() fail as on a closed stream. The string keeps
// kBodyReadPadding bytes allocated past its end, so the page decoder parses it in place.
#pragma once

#include <cpprest/astreambuf.h>

#include <cstdint>
#include <memory>
#include <string>

#include "connector/body_pool.h"

namespace tenantsync {

class StringBodyBuffer final
    : public concurrency::streams::details::streambuf_state_manager<std::uint8_t> {
 public:
  // `step`: how much the transport writes at a time (0: not known); see body_room.h.
  // `pool`: where a body of whole steps takes its string from (none: a new one).
  explicit StringBodyBuffer(size_t step = 0, std::shared_ptr<BodyPool> pool = nullptr)
      : streambuf_state_manager(std::ios_base::out), step_(step), pool_(std::move(pool)) {}
  ~StringBodyBuffer() override;

  // The body so far; moved out once the response is complete.
  std::string& text() { return text_; }

  bool can_seek() const override { return false; }
  bool has_size() const override { return false; }
  size_t buffer_size(std::ios_base::openmode) const override { return 0; }
  void set_buffer_size(size_t, std::ios_base::openmode) override {}
  size_t in_avail() const override { return 0; }
  pos_type getpos(std::ios_base::openmode) const override;
  pos_type seekpos(pos_type, std::ios_base::openmode) override;
  pos_type seekoff(off_type, std::ios_base::seekdir, std::ios_base::openmode) override;
  bool acquire(std::uint8_t*& ptr, size_t& count) override;
  void release(std::uint8_t*, size_t) override {}

 protected:
  pplx::task<int_type> _putc(std::uint8_t ch) override;
  pplx::task<size_t> _putn(const std::uint8_t* ptr, size_t count) override;
  std::uint8_t* _alloc(size_t count) override;
  void _commit(size_t actual) override;
  pplx::task<bool> _sync() override { return pplx::task_from_result(true); }
  pplx::task<int_type> _bumpc() override { return pplx::task_from_result(traits::eof()); }
  int_type _sbumpc() override { return traits::eof(); }
  pplx::task<int_type> _getc() override { return pplx::task_from_result(traits::eof()); }
  int_type _sgetc() override { return traits::eof(); }
  pplx::task<int_type> _nextc() override { return pplx::task_from_result(traits::eof()); }
  pplx::task<int_type> _ungetc() override { return pplx::task_from_result(traits::eof()); }
  pplx::task<size_t> _getn(std::uint8_t*, size_t) override {
    return pplx::task_from_result<size_t>(0);
  }
  size_t _scopy(std::uint8_t*, size_t) override { return 0; }

 private:
  // Room for `more` bytes past the end, and the parser's padding past those (body_room()).
  void make_room(size_t more);

  std::string text_;
  size_t step_;
  // Kept alive by the buffer too: completions may outlive the transport.
  std::shared_ptr<BodyPool> pool_;
  size_t allocated_ = 0;  // bytes _alloc() added that _commit() has not settled yet
};

}  // namespace tenantsync
