/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-sim node: one node of a region on a real network (issue 11, part 2).
 * node.c holds the command, its loop and its report; obtain.c the download
 * and the install into the store; mcast.c the multicast socket; serve.c the
 * virtual server's HTTP side (dupg-server as a child).
 */
#ifndef DUPG_SIM_NODE_NODE_H
#define DUPG_SIM_NODE_NODE_H

int cli_node(int argc, char **argv);

#endif
