// The connhost C++ SDK in one include (entry.hpp is separate: include it in exactly one file).
#pragma once
#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/destination.hpp>
#include <connhost/sdk/estimate.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/input.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/path_lock.hpp>
#include <connhost/sdk/read_back.hpp>
#include <connhost/sdk/record_reject.hpp>
#include <connhost/sdk/saved_cursor.hpp>
#include <connhost/sdk/slice.hpp>
#include <connhost/sdk/source.hpp>
#include <connhost/sdk/state.hpp>
#include <connhost/sdk/status.hpp>
#include <connhost/sdk/stream_status.hpp>
