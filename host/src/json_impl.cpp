// Compiles Boost.JSON into libconnhost (header-only mode), so the host needs no libboost_json at run time.
#include <boost/json/src.hpp>
