// `doorstep-server`: the township sync server binary. The commands live in the library
// (doorstep/server_cli/cli.h); this file supplies the POSIX clock, randomness and log, and stops
// `serve` on SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include "doorstep/posix/ports.h"
#include "doorstep/server_cli/cli.h"

int main(int argc, char** argv) {
  // Block the stop signals in every thread (workers inherit the mask); `serve` waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  doorstep::posix::SystemClock clock;
  doorstep::posix::SystemRandom random;
  doorstep::posix::StderrLogger logger(doorstep::LogLevel::kInfo);
  doorstep::server_cli::CliContext context;
  context.clock = &clock;
  context.random = &random;
  context.logger = &logger;
  context.out = &std::cout;
  context.err = &std::cerr;
  context.wait_for_shutdown = [&stop] {
    int sig = 0;
    sigwait(&stop, &sig);
  };
  return doorstep::server_cli::RunServerCli(argc, argv, context);
}
