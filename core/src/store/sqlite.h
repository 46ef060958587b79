// The tablet store's names for the shared SQLite layer (sqlite/include/doorstep/sqlite/db.h).
#pragma once

#include "doorstep/sqlite/db.h"

namespace doorstep::store {

using Db = sqlite::Conn;
using sqlite::Stmt;
using sqlite::Txn;

}  // namespace doorstep::store
