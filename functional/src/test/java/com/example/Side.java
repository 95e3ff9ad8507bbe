package com.example;

public enum Side { BUY, SELL }
