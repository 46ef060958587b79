// The server store's names for the shared SQLite layer (sqlite/include/doorstep/sqlite/db.h).
#pragma once

#include "doorstep/sqlite/db.h"

namespace doorstep::sync::server::sqlite {

using doorstep::sqlite::Conn;
using doorstep::sqlite::Pool;
using doorstep::sqlite::Stmt;
using Transaction = doorstep::sqlite::PooledTxn;

}  // namespace doorstep::sync::server::sqlite
