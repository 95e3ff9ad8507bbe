package com.example.types;

public enum Side { BUY, SELL }
