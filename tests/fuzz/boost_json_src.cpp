#include <boost/json/src.hpp>  // Boost.JSON compiled into the fuzz targets (they link no Boost library)
