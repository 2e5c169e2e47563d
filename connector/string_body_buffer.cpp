#include "connector/string_body_buffer.h"

#include <algorithm>

#include "connector/body_room.h"

namespace tenantsync {

StringBodyBuffer::~StringBodyBuffer() {
  // As cpprestsdk's own buffers do: pending requests on the buffer end before it goes.
  this->_close_read();
  this->_close_write();
}

StringBodyBuffer::pos_type StringBodyBuffer::getpos(std::ios_base::openmode mode) const {
  if ((mode & std::ios_base::in) || !can_write()) return static_cast<pos_type>(traits::eof());
  return static_cast<pos_type>(text_.size());
}

StringBodyBuffer::pos_type StringBodyBuffer::seekpos(pos_type, std::ios_base::openmode) {
  return static_cast<pos_type>(traits::eof());
}

StringBodyBuffer::pos_type StringBodyBuffer::seekoff(off_type, std::ios_base::seekdir,
                                                     std::ios_base::openmode) {
  return static_cast<pos_type>(traits::eof());
}

bool StringBodyBuffer::acquire(std::uint8_t*& ptr, size_t& count) {
  ptr = nullptr;
  count = 0;
  return false;
}

void StringBodyBuffer::make_room(size_t more) {
  // A first write of a whole step means a large body (body_room.h): one handed back to the
  // pool has room for it already.
  if (pool_ && text_.empty() && step_ > 0 && more >= step_) text_ = pool_->take();
  const size_t room = body_room(text_.size(), text_.capacity(), more, step_);
  if (room > text_.capacity()) text_.reserve(room);
}

pplx::task<StringBodyBuffer::int_type> StringBodyBuffer::_putc(std::uint8_t ch) {
  if (!can_write()) return pplx::task_from_result(traits::eof());
  make_room(1);
  text_.push_back(static_cast<char>(ch));
  return pplx::task_from_result(static_cast<int_type>(ch));
}

pplx::task<size_t> StringBodyBuffer::_putn(const std::uint8_t* ptr, size_t count) {
  if (!can_write() || count == 0) return pplx::task_from_result<size_t>(0);
  make_room(count);
  text_.append(reinterpret_cast<const char*>(ptr), count);
  return pplx::task_from_result(count);
}

std::uint8_t* StringBodyBuffer::_alloc(size_t count) {
  if (!can_write()) return nullptr;
  make_room(count);
  const size_t at = text_.size();
  text_.resize(at + count);
  allocated_ = count;
  return reinterpret_cast<std::uint8_t*>(text_.data() + at);
}

void StringBodyBuffer::_commit(size_t actual) {
  text_.resize(text_.size() - allocated_ + std::min(actual, allocated_));
  allocated_ = 0;
}

}  // namespace tenantsync
