# sofa build configuration; included by Makefile.  Override on the command
# line (make PREFIX=/opt/sofa) or in the environment.

VERSION = 0.1.0

PREFIX     = /usr/local
BINDIR     = $(PREFIX)/bin
SHAREDIR   = $(PREFIX)/share/sofa
MANDIR     = $(PREFIX)/share/man
SYSCONFDIR = $(PREFIX)/etc

CC      = cc
PKG_CONFIG = pkg-config
CFLAGS  = -O2 -g
LDFLAGS =

# Warnings are part of the contract (STYLE.md); the check build adds -Werror.
WARNFLAGS = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wvla

# Libraries with a .pc file come from pkg-config; libcsv ships none.
PKGS = libcurl yyjson inih libcrypto
