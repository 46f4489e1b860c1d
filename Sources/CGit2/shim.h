#include <git2.h>
#include <git2/sys/commit_graph.h>
